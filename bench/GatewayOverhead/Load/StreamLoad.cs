using System.Buffers.Text;
using System.Diagnostics;
using System.Net;

namespace GpuBench.GatewayOverhead.Load;

/// <summary>What one worker saw inside the measurement window.</summary>
internal sealed class WorkerSamples
{
    public List<int> TtftMicros { get; } = [];

    public List<int> ChunkDelayMicros { get; } = [];

    public long Chunks { get; set; }

    public long Streams { get; set; }

    public long Errors { get; set; }
}

/// <summary>
/// Keeps a fixed number of SSE streams open against the targets, each worker starting its next request as soon as
/// its stream ends, and records time to first chunk and per-chunk delay (receive time minus the replica's emit time).
/// </summary>
internal sealed class StreamLoad(IReadOnlyList<Uri> targets, int streams)
{
    private static readonly byte[] Body = """{"model":"bench","prompt":"hello","max_tokens":64,"stream":true}"""u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Stamp = "data: {\"t\":"u8.ToArray();
    private static readonly byte[] DoneMarker = "data: [DONE]"u8.ToArray();

    public async Task<WorkerSamples[]> RunAsync(TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            // The load stands for an outside client; no tracing of its own.
            ActivityHeadersPropagator = null,
        };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var windowStart = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var windowEnd = windowStart + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var samples = Enumerable.Range(0, streams).Select(_ => new WorkerSamples()).ToArray();
        var workers = samples.Select((s, i) => Task.Run(() => WorkerAsync(client, targets[i % targets.Count], s, windowStart, windowEnd, stop.Token), CancellationToken.None)).ToArray();
        await Task.Delay(warmup + duration, cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        return samples;
    }

    private static async Task WorkerAsync(HttpClient client, Uri target, WorkerSamples samples, long windowStart, long windowEnd, CancellationToken stop)
    {
        var buffer = new byte[16 * 1024];
        while (!stop.IsCancellationRequested)
        {
            var sent = Stopwatch.GetTimestamp();
            var inWindow = sent >= windowStart && sent < windowEnd;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(Body) };
                request.Content.Headers.ContentType = new("application/json");
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    samples.Errors += inWindow ? 1 : 0;
                    await Task.Delay(10, stop);
                    continue;
                }

                await using var body = await response.Content.ReadAsStreamAsync(stop);
                var done = await ReadStreamAsync(body, buffer, samples, sent, inWindow, windowStart, windowEnd, stop);
                if (inWindow)
                {
                    samples.Streams += done ? 1 : 0;
                    samples.Errors += done ? 0 : 1;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                samples.Errors += inWindow ? 1 : 0;
            }
        }
    }

    /// <summary>Reads one SSE response; true when it ended with [DONE].</summary>
    private static async Task<bool> ReadStreamAsync(Stream body, byte[] buffer, WorkerSamples samples, long sent, bool inWindow, long windowStart, long windowEnd, CancellationToken stop)
    {
        var filled = 0;
        var first = true;
        while (true)
        {
            var read = await body.ReadAsync(buffer.AsMemory(filled), stop);
            if (read == 0)
            {
                return false;
            }

            var now = Stopwatch.GetTimestamp();
            filled += read;
            var consumed = 0;
            int end;
            while ((end = buffer.AsSpan(consumed, filled - consumed).IndexOf(EventEnd)) >= 0)
            {
                var sse = buffer.AsSpan(consumed, end);
                consumed += end + EventEnd.Length;
                if (sse.StartsWith(DoneMarker))
                {
                    // Read to the end, as a real client does, so the connection goes back to the pool instead of
                    // being closed (and the proxy's upstream connection with it).
                    while (await body.ReadAsync(buffer, stop) > 0)
                    {
                    }

                    return true;
                }

                if (!sse.StartsWith(Stamp) || !Utf8Parser.TryParse(sse[Stamp.Length..], out long emitted, out _))
                {
                    continue;
                }

                if (first && inWindow)
                {
                    samples.TtftMicros.Add(Micros(now - sent));
                }

                first = false;
                if (now >= windowStart && now < windowEnd)
                {
                    samples.Chunks++;
                    samples.ChunkDelayMicros.Add(Micros(now - emitted));
                }
            }

            // Keep a partial event for the next read.
            buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
            filled -= consumed;
        }
    }

    private static int Micros(long ticks) => (int)Math.Min(int.MaxValue, ticks * 1_000_000 / Stopwatch.Frequency);
}
