using GpuBench.Core.Metrics;

namespace GpuBench.Reporting.Runs;

/// <summary>The report's view of the load generator's <see cref="ServingMetrics"/>, whichever file it came from.</summary>
public static class ServingResult
{
    /// <summary>Reads the "Serving Benchmark Result" block (vLLM's and GpuBench's benchmark.txt, the article's files).</summary>
    public static RunMetrics Parse(string text) => From(BenchmarkTextBlock.Parse(text));

    public static RunMetrics From(ServingMetrics metrics) => new()
    {
        Completed = metrics.Completed,
        Failed = metrics.Failed,
        DurationS = metrics.Duration,
        OutputTokensPerS = metrics.OutputThroughput,
        TotalTokensPerS = metrics.TotalTokenThroughput,
        GoodputReqS = metrics.RequestGoodput,
        SloAttainment = metrics.SloAttainment,
        Ttft = Summary(metrics.Ttft),
        Tpot = Summary(metrics.Tpot),
        Itl = Summary(metrics.Itl),
        E2el = Summary(metrics.E2el),
    };

    private static LatencySummary Summary(LatencyStats stats) => new(stats.Mean, stats.Median, stats.At(99));
}
