using GpuBench.GatewayOverhead.Diagnostics;
using GpuBench.GatewayOverhead.Load;

namespace GpuBench.GatewayOverhead.Results;

/// <summary>One path (direct, gateway, nginx) at one number of concurrent streams, in one round.</summary>
internal sealed record RunResult(
    string Path,
    int Streams,
    int Round,
    double Seconds,
    long StreamsCompleted,
    long Errors,
    double ChunksPerSecond,
    double TtftP50Ms,
    double TtftP99Ms,
    double ChunkP50Ms,
    double ChunkP99Ms,
    double? ProxyCpuCores,
    double MachineBusyPercent)
{
    public static RunResult Of(string path, int streams, int round, TimeSpan window, WorkerSamples[] samples, double? proxyCpuSeconds, double machineBusyPercent)
    {
        var ttft = Sorted(samples.SelectMany(s => s.TtftMicros));
        var chunks = Sorted(samples.SelectMany(s => s.ChunkDelayMicros));
        return new RunResult(path, streams, round, window.TotalSeconds,
            samples.Sum(s => s.Streams), samples.Sum(s => s.Errors),
            samples.Sum(s => s.Chunks) / window.TotalSeconds,
            Percentile(ttft, 0.50), Percentile(ttft, 0.99), Percentile(chunks, 0.50), Percentile(chunks, 0.99),
            proxyCpuSeconds / window.TotalSeconds, machineBusyPercent);
    }

    /// <summary>The gateway's GC, thread pool and upstream connections during the window; null for other paths.</summary>
    public RuntimeStatsWindow? ProxyRuntime { get; init; }

    /// <summary>CPU milliseconds the proxy spent per thousand chunks it passed on.</summary>
    public double? CpuMsPerThousandChunks => ProxyCpuCores * 1000 * 1000 / ChunksPerSecond;

    private static int[] Sorted(IEnumerable<int> values)
    {
        var array = values.ToArray();
        Array.Sort(array);
        return array;
    }

    // Nearest rank, in milliseconds.
    private static double Percentile(int[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)] / 1000.0;
}
