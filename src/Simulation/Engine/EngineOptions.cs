using GpuBench.Core.Hardware;
using GpuBench.Simulation.Profiles;

namespace GpuBench.Simulation.Engine;

/// <summary>The vLLM engine flags the simulation honours; null means vLLM's default for the GPU.</summary>
public sealed record EngineOptions
{
    public int TensorParallel { get; init; } = 1;
    public int PipelineParallel { get; init; } = 1;
    public int? MaxModelLen { get; init; }
    public int? MaxNumSeqs { get; init; }
    public int? MaxNumBatchedTokens { get; init; }
    public double GpuMemoryUtilization { get; init; } = 0.9;

    /// <summary>vLLM's --kv-cache-dtype: auto (the model's 16-bit dtype), fp8, fp8_e4m3, fp8_e5m2.</summary>
    public string KvCacheDtype { get; init; } = "auto";

    public int BlockSize { get; init; } = 16;

    /// <summary>
    /// Applies vLLM's defaults (vllm/engine/arg_utils.py, V1 engine, OpenAI server): GPUs with at least 70 GiB
    /// other than A100 get max_num_batched_tokens 8192 and max_num_seqs 1024, the others 2048 and 256;
    /// max_model_len defaults to the model's context length.
    /// </summary>
    public VllmSettings Resolve(GpuProfile gpu, ModelProfile model)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(TensorParallel, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(PipelineParallel, 1);
        var large = gpu.VramMib >= 70 * 1024 && !gpu.Name.Contains("A100", StringComparison.OrdinalIgnoreCase);
        var kvBytes = KvCacheDtype.Trim().ToLowerInvariant() switch
        {
            "auto" or "float16" or "bfloat16" or "half" => 2.0,
            "fp8" or "fp8_e4m3" or "fp8_e5m2" or "fp8_inc" => 1.0,
            var other => throw new ArgumentException($"Unsupported --kv-cache-dtype '{other}' (auto, fp8, fp8_e4m3, fp8_e5m2)."),
        };
        return new VllmSettings(
            TensorParallel,
            PipelineParallel,
            MaxModelLen ?? model.MaxPositionEmbeddings,
            MaxNumSeqs ?? (large ? 1024 : 256),
            MaxNumBatchedTokens ?? (large ? 8192 : 2048),
            GpuMemoryUtilization,
            kvBytes,
            BlockSize);
    }
}

/// <summary>Engine settings after vLLM's defaults are applied.</summary>
public sealed record VllmSettings(
    int TensorParallel,
    int PipelineParallel,
    int MaxModelLen,
    int MaxNumSeqs,
    int MaxNumBatchedTokens,
    double GpuMemoryUtilization,
    double KvElementBytes,
    int BlockSize)
{
    public int GpusPerReplica => TensorParallel * PipelineParallel;
}
