using System.Diagnostics.Metrics;
using System.Globalization;

namespace GpuBench.GatewayOverhead.Diagnostics;

/// <summary>
/// Runs inside the gateway process (started with --stats FILE): once a second, appends one line of the runtime's and
/// HttpClient's own metrics (GC, thread pool, lock contention, upstream connections, requests that waited for one, working set) to
/// FILE, so a run shows what the gateway was doing during each measurement window.
/// </summary>
internal sealed class RuntimeStatsRecorder : IDisposable
{
    public const string Header = "unix_ms,gen0,gen1,gen2,gc_pause_ms,cpu_s,pool_threads,pool_queue,lock_contentions,upstream_connections,queued_for_connection,max_queue_ms,working_set_mb";

    private readonly MeterListener _listener = new();
    private readonly StreamWriter _out;
    private readonly Timer _timer;
    private readonly Lock _lock = new();
    private readonly long[] _collections = new long[3];
    private double _pauseSeconds;
    private double _cpuSeconds;
    private long _threads;
    private long _queue;
    private long _contentions;
    private long _connections;
    private long _queued;
    private double _maxQueueSeconds;
    private long _workingSet;
    private bool _disposed;

    public RuntimeStatsRecorder(string path)
    {
        _out = new StreamWriter(path, append: false) { AutoFlush = true };
        _out.WriteLine(Header);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name is "System.Runtime" or "System.Net.Http")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => OnMeasurement(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => OnMeasurement(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => OnMeasurement(instrument.Name, value, tags));
        _listener.Start();
        _timer = new Timer(_ => Write(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public void Dispose()
    {
        _timer.Dispose();
        // A tick already running may still reach Write: it finds the flag set and writes nothing.
        lock (_lock)
        {
            _disposed = true;
            _listener.Dispose();
            _out.Dispose();
        }
    }

    private void OnMeasurement(string name, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_lock)
        {
            switch (name)
            {
                case "dotnet.gc.collections":
                    var generation = Tag(tags, "gc.heap.generation") switch { "gen0" => 0, "gen1" => 1, "gen2" => 2, _ => -1 };
                    if (generation >= 0)
                    {
                        _collections[generation] = (long)value;
                    }

                    break;
                case "dotnet.gc.pause.time":
                    _pauseSeconds = value;
                    break;
                case "dotnet.process.cpu.time":
                    _cpuSeconds += value;
                    break;
                case "dotnet.thread_pool.thread.count":
                    _threads = (long)value;
                    break;
                case "dotnet.thread_pool.queue.length":
                    _queue = (long)value;
                    break;
                case "dotnet.monitor.lock_contentions":
                    _contentions = (long)value;
                    break;
                case "dotnet.process.memory.working_set":
                    _workingSet = (long)value;
                    break;
                case "http.client.open_connections":
                    _connections += (long)value;
                    break;
                case "http.client.request.time_in_queue":
                    // Recorded for every request; one that found an idle connection waited next to nothing.
                    if (value > 0.0005)
                    {
                        _queued++;
                        _maxQueueSeconds = Math.Max(_maxQueueSeconds, value);
                    }

                    break;
            }
        }
    }

    private void Write()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            // Observable callbacks run on this thread, inside RecordObservableInstruments, and take the same lock.
            _cpuSeconds = 0;
            _listener.RecordObservableInstruments();
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()},{_collections[0]},{_collections[1]},{_collections[2]},{_pauseSeconds * 1000:F3},{_cpuSeconds:F3},{_threads},{_queue},{_contentions},{_connections},{_queued},{_maxQueueSeconds * 1000:F3},{_workingSet / 1048576.0:F1}"));
            _maxQueueSeconds = 0;
        }
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
