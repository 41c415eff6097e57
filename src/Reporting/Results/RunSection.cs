namespace GpuBench.Reporting.Results;

/// <summary>
/// The part of result.json's "run" object (written by the campaign in snake_case: model_id, gpu_ids, …) that says
/// what ran. The report reads only these fields and ignores the rest.
/// </summary>
public sealed record RunSection(
    string? ModelId,
    string? Workload,
    int Replicas,
    int TensorParallel,
    int PipelineParallel,
    int[][]? GpuIds,
    string? GpuType,
    string? GpuName,
    bool Simulated);
