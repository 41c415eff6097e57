using System.Text.Json;
using GpuBench.Core.Config;
using GpuBench.Core.Metrics;

namespace GpuBench.Agent.Runs;

/// <summary>Counters the load generator reports while it runs; <see cref="Phase"/> is dataset, warmup or run.</summary>
public sealed record LoadCounters(int Completed, int Failed, int Total, long OutputTokens, string? Phase = null);

/// <summary>What the load generator measured: vLLM --save-result JSON, the text block and every request.</summary>
public sealed record LoadOutcome(JsonElement Benchmark, string BenchmarkText, IReadOnlyList<RequestRecord> Requests);

/// <summary>Drives a served model with a workload; the agent's seam to the load generator library.</summary>
public interface ILoadRunner
{
    /// <summary>
    /// Runs the workload against <paramref name="baseUrl"/> (the gateway); <paramref name="engineMetrics"/> are the
    /// replicas' /metrics, read around the timed window for the prefix-cache hit rate.
    /// </summary>
    Task<LoadOutcome> RunAsync(
        Uri baseUrl, string model, WorkloadSpec workload, IReadOnlyList<Uri> engineMetrics, IProgress<LoadCounters> progress, CancellationToken cancellationToken);
}
