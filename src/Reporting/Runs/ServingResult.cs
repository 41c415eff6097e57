namespace GpuBench.Reporting.Runs;

/// <summary>Turns the "Serving Benchmark Result" block (vLLM's and GpuBench's) into the figures a report shows.</summary>
public static class ServingResult
{
    public static RunMetrics Parse(string text) =>
        throw new NotSupportedException("Waiting for GpuBench.Core.Metrics.BenchmarkTextBlock: " + text.Length);
}
