using System.Text.Json.Serialization;

namespace GpuBench.Reporting.Results;

/// <summary>
/// The part of result.json's "run" object (written by the campaign, snake_case) that says what ran: the report
/// reads only these fields and ignores the rest.
/// </summary>
public sealed record RunSection
{
    [JsonPropertyName("model_id")]
    public string? ModelId { get; init; }

    [JsonPropertyName("workload")]
    public string? Workload { get; init; }

    [JsonPropertyName("replicas")]
    public int Replicas { get; init; }

    [JsonPropertyName("tensor_parallel")]
    public int TensorParallel { get; init; }

    [JsonPropertyName("pipeline_parallel")]
    public int PipelineParallel { get; init; }

    [JsonPropertyName("gpu_ids")]
    public int[][] GpuIds { get; init; } = [];

    [JsonPropertyName("gpu_type")]
    public string? GpuType { get; init; }

    [JsonPropertyName("gpu_name")]
    public string? GpuName { get; init; }

    [JsonPropertyName("simulated")]
    public bool Simulated { get; init; }
}
