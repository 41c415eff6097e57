namespace GpuBench.Simulator.Serving;

/// <summary>
/// How late chunks reach the socket: written time minus the engine time the token was due, over every chunk.
/// This is the simulator's own timing error, reported by /sim/stats and the capacity benchmark.
/// </summary>
public sealed class EmissionStats
{
    private static readonly double[] BoundsMs = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000];
    private readonly Lock _lock = new();
    private readonly long[] _buckets = new long[BoundsMs.Length + 1];
    private long _count;
    private double _sumMs;
    private double _maxMs;

    public void Record(double lateSeconds)
    {
        var ms = Math.Max(0, lateSeconds * 1000);
        var index = Array.BinarySearch(BoundsMs, ms);
        lock (_lock)
        {
            _buckets[index >= 0 ? index : ~index]++;
            _count++;
            _sumMs += ms;
            _maxMs = Math.Max(_maxMs, ms);
        }
    }

    public EmissionSummary Snapshot()
    {
        lock (_lock)
        {
            return new EmissionSummary(_count, _count == 0 ? 0 : _sumMs / _count, Percentile(0.5), Percentile(0.99), Percentile(0.999), _maxMs);
        }
    }

    // Upper bound of the bucket holding the percentile: a conservative figure.
    private double Percentile(double p)
    {
        var target = (long)Math.Ceiling(_count * p);
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += _buckets[i];
            if (seen >= target && target > 0)
            {
                return i < BoundsMs.Length ? BoundsMs[i] : _maxMs;
            }
        }

        return 0;
    }
}

/// <summary>Chunk lateness in milliseconds; percentiles are bucket upper bounds.</summary>
public sealed record EmissionSummary(long Chunks, double MeanMs, double P50Ms, double P99Ms, double P999Ms, double MaxMs);
