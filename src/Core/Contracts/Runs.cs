using System.Text.Json;
using System.Text.Json.Serialization;
using GpuBench.Core.Config;

namespace GpuBench.Core.Contracts;

/// <summary>POST /runs: drive a ready deployment's gateway with this workload.</summary>
public sealed record RunRequest(string DeploymentId, WorkloadSpec Workload);

[JsonConverter(typeof(JsonStringEnumConverter<RunState>))]
public enum RunState
{
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>One line of GET /runs/{id}/progress (NDJSON): counters so far.</summary>
public sealed record RunProgress(
    string RunId,
    long Sequence,
    DateTimeOffset At,
    RunState State,
    int Completed,
    int Failed,
    int Total,
    long OutputTokens,
    double ElapsedSeconds,
    string? Message);

/// <summary>
/// GET /runs/{id}/result: what the run measured. Kept on the box's disk until the controller acknowledges it
/// (DELETE /runs/{id}), so a dropped link loses nothing.
/// </summary>
public sealed record RunResult
{
    public required string RunId { get; init; }
    public required string DeploymentId { get; init; }
    public required WorkloadSpec Workload { get; init; }
    public required RunState State { get; init; }
    public string? Error { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The load generator's result in vLLM's --save-result field names.</summary>
    public JsonElement? Benchmark { get; init; }

    /// <summary>The text block `vllm bench serve` prints, for benchmark.txt.</summary>
    public string? BenchmarkText { get; init; }

    public IReadOnlyList<TelemetrySummary> Gpus { get; init; } = [];
    public IReadOnlyList<TelemetrySummary> Engine { get; init; } = [];
    public SystemInfo? System { get; init; }
    public DeploymentStatus? Deployment { get; init; }
}

/// <summary>Mean and peak of one sampled quantity over a run, e.g. GPU 0's power in watts.</summary>
public sealed record TelemetrySummary(string Name, string Unit, string Source, int Samples, double Mean, double Peak);
