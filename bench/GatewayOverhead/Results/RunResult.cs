using System.Globalization;
using System.Text;
using GpuBench.GatewayOverhead.Diagnostics;
using GpuBench.GatewayOverhead.Load;

namespace GpuBench.GatewayOverhead.Results;

/// <summary>One path (direct, gateway, nginx) at one number of concurrent streams.</summary>
internal sealed record RunResult(
    string Path,
    int Streams,
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
    public static RunResult Of(string path, int streams, TimeSpan window, WorkerSamples[] samples, double? proxyCpuSeconds, double machineBusyPercent)
    {
        var ttft = Sorted(samples.SelectMany(s => s.TtftMicros));
        var chunks = Sorted(samples.SelectMany(s => s.ChunkDelayMicros));
        return new RunResult(path, streams, window.TotalSeconds,
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

/// <summary>The Markdown table of a whole run, with the added latency of each proxy against direct.</summary>
internal static class ResultTable
{
    public static string Render(IReadOnlyList<RunResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| streams | path | chunks/s | TTFT p50 / p99 ms | added TTFT p50 / p99 ms | chunk delay p50 / p99 ms | added chunk p50 / p99 ms | proxy CPU (cores) | CPU ms / 1k chunks | machine busy | streams done | errors |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            var direct = results.FirstOrDefault(d => d.Streams == r.Streams && d.Path == "direct");
            text.AppendLine(Invariant($"| {r.Streams} | {r.Path} | {r.ChunksPerSecond:F0} | {r.TtftP50Ms:F2} / {r.TtftP99Ms:F2} | {Added(r.TtftP50Ms, direct?.TtftP50Ms)} / {Added(r.TtftP99Ms, direct?.TtftP99Ms)} | {r.ChunkP50Ms:F2} / {r.ChunkP99Ms:F2} | {Added(r.ChunkP50Ms, direct?.ChunkP50Ms)} / {Added(r.ChunkP99Ms, direct?.ChunkP99Ms)} | {Opt(r.ProxyCpuCores, "F2")} | {Opt(r.CpuMsPerThousandChunks, "F1")} | {r.MachineBusyPercent:F0}% | {r.StreamsCompleted} | {r.Errors} |"));
        }

        foreach (var streams in results.Select(r => r.Streams).Distinct())
        {
            var direct = results.FirstOrDefault(r => r.Streams == streams && r.Path == "direct");
            var nginx = results.FirstOrDefault(r => r.Streams == streams && r.Path == "nginx");
            if (direct is null || nginx is null)
            {
                continue;
            }

            // Every gateway variant against NGINX.
            foreach (var gateway in results.Where(r => r.Streams == streams && r.Path is not ("direct" or "nginx")))
            {
                text.AppendLine();
                text.Append(Invariant($"{streams} streams: {gateway.Path} vs nginx — added chunk p99 {gateway.ChunkP99Ms - direct.ChunkP99Ms:F2} vs {nginx.ChunkP99Ms - direct.ChunkP99Ms:F2} ms, "));
                text.Append(Invariant($"added TTFT p99 {gateway.TtftP99Ms - direct.TtftP99Ms:F2} vs {nginx.TtftP99Ms - direct.TtftP99Ms:F2} ms, "));
                text.AppendLine(Invariant($"chunks/s ratio {gateway.ChunksPerSecond / nginx.ChunksPerSecond:F3}, CPU ratio {Opt(gateway.ProxyCpuCores / nginx.ProxyCpuCores, "F2")}"));
            }
        }

        return text.ToString();
    }

    private static string Added(double value, double? baseline) =>
        baseline is { } b ? (value - b).ToString("+0.00;-0.00", CultureInfo.InvariantCulture) : "–";

    private static string Opt(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "–";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
