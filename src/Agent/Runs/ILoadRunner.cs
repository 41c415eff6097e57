using System.Text.Json;
using GpuBench.Core.Contracts;

namespace GpuBench.Agent.Runs;

/// <summary>Counters the load generator reports while it runs.</summary>
public sealed record LoadCounters(int Completed, int Failed, int Total, long OutputTokens);

/// <summary>What the load generator measured: vLLM --save-result JSON and the text block.</summary>
public sealed record LoadOutcome(JsonElement Benchmark, string BenchmarkText);

/// <summary>Drives a served model with a workload; the agent's seam to the load generator library.</summary>
public interface ILoadRunner
{
    Task<LoadOutcome> RunAsync(Uri baseUrl, string model, WorkloadSpec workload, IProgress<LoadCounters> progress, CancellationToken cancellationToken);
}
