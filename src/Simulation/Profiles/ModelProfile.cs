namespace GpuBench.Simulation.Profiles;

/// <summary>
/// The architecture figures of one served model that decide its speed and memory: sizes, heads, experts and
/// weight precision. Loaded from models.yml; see <see cref="ModelCatalog"/>.
/// </summary>
public sealed record ModelProfile
{
    public required string Id { get; init; }
    public string[] Aliases { get; init; } = [];
    public double ParamsTotalB { get; init; }
    public double ParamsActiveB { get; init; }

    /// <summary>Input embedding plus output head, kept in 16 bit by the quantized checkpoints.</summary>
    public double EmbeddingParamsB { get; init; }

    /// <summary>All routed-expert weights of all layers; 0 for a dense model.</summary>
    public double ExpertParamsB { get; init; }

    public int Layers { get; init; }
    public int HiddenSize { get; init; }
    public int AttentionHeads { get; init; }
    public int KvHeads { get; init; }
    public int HeadDim { get; init; }
    public int Experts { get; init; }
    public int ExpertsPerToken { get; init; }
    public int VocabSize { get; init; }
    public int MaxPositionEmbeddings { get; init; }
    public double BytesPerWeight { get; init; } = 2;

    /// <summary>Tensor-core precision the matrix products run in: fp16, fp8 or fp4.</summary>
    public string ComputeDtype { get; init; } = "fp16";

    public string[] Sources { get; init; } = [];

    public bool IsMoe => Experts > 0 && ExpertParamsB > 0;

    /// <summary>
    /// Size of the weights vLLM loads, measured on the checkpoint, when the parameter count alone would misjudge it
    /// (a quantizer that keeps some layers in 16 bit); null derives it from the parameters.
    /// </summary>
    public double? ServedWeightsGb { get; init; }

    /// <summary>Bytes of all weights on the GPUs of one replica.</summary>
    public double WeightBytes => ServedWeightsGb is { } measured
        ? measured * 1e9
        : ((ParamsTotalB - EmbeddingParamsB) * BytesPerWeight + EmbeddingParamsB * 2) * 1e9;

    /// <summary>Bytes of one layer's routed experts (all of them), for counting what a batch touches.</summary>
    public double ExpertBytesPerLayer => IsMoe ? ExpertParamsB * 1e9 * BytesPerWeight / MoeLayers : 0;

    /// <summary>Layers with routed experts.</summary>
    public int MoeLayers => IsMoe ? Layers - DenseLayersBeforeMoe : 0;

    /// <summary>Leading dense layers of an MoE model (first_k_dense_replace): GLM-4.5-Air has one.</summary>
    public int DenseLayersBeforeMoe { get; init; }

    /// <summary>Weights that every step reads in full, whatever the batch: attention, norms, dense layers, head.</summary>
    public double AlwaysReadBytes => WeightBytes - ExpertBytesPerLayer * MoeLayers;

    /// <summary>
    /// Elements one token's latent KV entry holds per layer with multi-head latent attention (DeepSeek's MLA:
    /// kv_lora_rank + qk_rope_head_dim), the same on every tensor-parallel rank; 0 for per-head keys and values.
    /// </summary>
    public int KvLatentDim { get; init; }

    /// <summary>Layers that attend over a sliding window only (gpt-oss alternates them with full layers); informational.</summary>
    public int SlidingWindowLayers { get; init; }

    /// <summary>The sliding window in tokens, 0 when no layer has one.</summary>
    public int SlidingWindow { get; init; }

    /// <summary>KV elements one token occupies in one layer on one GPU of a tensor-parallel group of <paramref name="tp"/>.</summary>
    public double KvElementsPerTokenPerLayer(int tp) =>
        KvLatentDim > 0 ? KvLatentDim : 2.0 * Math.Max(1, KvHeads / tp) * HeadDim;

    /// <summary>KV cache bytes per token across all layers for an element size in bytes.</summary>
    public double KvBytesPerToken(double elementBytes) => Layers * KvElementsPerTokenPerLayer(1) * elementBytes;

    public double FlopsPerTokenLinear => 2 * ParamsActiveB * 1e9;
}
