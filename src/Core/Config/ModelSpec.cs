namespace GpuBench.Core.Config;

/// <summary>A model to serve, known in config.yml by its short <see cref="Name"/> (also its results folder).</summary>
public sealed record ModelSpec
{
    public required string Name { get; init; }

    /// <summary>The Hugging Face repository id, e.g. QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ.</summary>
    public required string Id { get; init; }

    /// <summary>Size of the weights in GB (10⁹ bytes) as loaded on the GPUs; lets the planner choose the layout.</summary>
    public double? WeightsGb { get; init; }

    /// <summary>Explicit layout; whatever is set here wins over the planner's choice.</summary>
    public int? Replicas { get; init; }

    public int? TensorParallel { get; init; }

    public int? PipelineParallel { get; init; }

    /// <summary>A branch, tag or commit of the repository; null means its default branch.</summary>
    public string? Revision { get; init; }

    /// <summary>Glob patterns of the repository files to download; empty means what an engine needs (weights, config, tokenizer).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>
    /// Whether the engine may run Python code from the model's repository (vLLM's --trust-remote-code). Off unless
    /// set: code from a repository runs with the engine's rights on the box.
    /// </summary>
    public bool TrustRemoteCode { get; init; }

    public EngineOverrides Engine { get; init; } = EngineOverrides.None;

    public bool HasExplicitLayout => Replicas is not null || TensorParallel is not null || PipelineParallel is not null;
}
