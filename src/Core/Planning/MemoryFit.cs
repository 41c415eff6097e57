using GpuBench.Core.Hardware;

namespace GpuBench.Core.Planning;

/// <summary>
/// Whether a model's weights fit on a GPU, the rule the planner sizes pipelines with.
/// <para>
/// vLLM may use VRAM × gpu_memory_utilization. Of that, each GPU holds its share of the weights (weights / pp
/// for a pipeline of pp stages) and must keep <see cref="HeadroomGbPerGpu"/> (2 GB by default) free for the rest: the activation
/// peak vLLM measures when it profiles a full batch (about 1 GB for an 8k-token batch on a 70B-class model) and
/// a KV cache of at least one max_model_len sequence (Llama-3.3-70B in fp8: 80 layers × 8 KV heads × 128 × 2 ×
/// 1 byte = 160 KiB per token, 1.3 GB for 8192 tokens, half of that per GPU at pp2). Anything less than that and
/// vLLM refuses to start; anything more goes to the KV cache and so to throughput.
/// </para>
/// <para>
/// 2 GB per GPU is also what the seed article's layouts admit: Llama-3.3-70B AWQ (40 GB) ran at pp2 on RTX 4090s,
/// leaving 25.8 GB × 0.9 − 20 GB = 3.2 GB per GPU, while GLM-4.5-Air AWQ (64 GB) needed pp4 on RTX 5090s, where
/// pp2 would leave 34.2 GB × 0.9 − 32 GB &lt; 0. Every seed layout is reproduced for any headroom from 0 to 3.1 GB
/// (tests/Core.Tests/Planning/SeedLayoutTests.cs: <c>dotnet test tests/Core.Tests --filter SeedLayout</c>).
/// </para>
/// </summary>
public sealed record MemoryFit(double HeadroomGbPerGpu)
{
    public static MemoryFit Default { get; } = new(2.0);

    /// <summary>GB per GPU that vLLM may use.</summary>
    public static double UsableGb(GpuProfile gpu, double gpuMemoryUtilization) => gpu.VramGb * gpuMemoryUtilization;

    /// <summary>GB each GPU needs when the weights are split over <paramref name="gpusPerReplica"/> GPUs.</summary>
    public double NeededGb(double weightsGb, int gpusPerReplica) => weightsGb / gpusPerReplica + HeadroomGbPerGpu;

    public bool Fits(double weightsGb, int gpusPerReplica, GpuProfile gpu, double gpuMemoryUtilization) =>
        NeededGb(weightsGb, gpusPerReplica) <= UsableGb(gpu, gpuMemoryUtilization);
}
