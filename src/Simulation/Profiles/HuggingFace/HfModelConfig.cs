using System.Text.Json;

namespace GpuBench.Simulation.Profiles.HuggingFace;

/// <summary>
/// The figures of a Hugging Face config.json that decide a model's size and speed, under the names the model
/// families use (Llama, Qwen2/3 and their MoE, Mixtral, GLM-4.5/4.6, DeepSeek-V2/V3, gpt-oss).
/// </summary>
public sealed record HfModelConfig
{
    public required string Source { get; init; }
    public string ModelType { get; init; } = "";
    public required int HiddenSize { get; init; }
    public required int Layers { get; init; }
    public required int AttentionHeads { get; init; }
    public required int KvHeads { get; init; }
    public required int HeadDim { get; init; }
    public required int VocabSize { get; init; }
    public int IntermediateSize { get; init; }
    public bool TieWordEmbeddings { get; init; }
    public bool AttentionBias { get; init; }
    public int MaxPositionEmbeddings { get; init; }
    public string TorchDtype { get; init; } = "bfloat16";

    /// <summary>Routed experts per MoE layer (num_experts, num_local_experts or n_routed_experts); 0 for a dense model.</summary>
    public int Experts { get; init; }
    public int ExpertsPerToken { get; init; }
    public int MoeIntermediateSize { get; init; }
    public int SharedExperts { get; init; }

    /// <summary>Qwen2-MoE's one shared expert of its own width (shared_expert_intermediate_size).</summary>
    public int SharedExpertIntermediateSize { get; init; }

    /// <summary>Leading dense layers (first_k_dense_replace).</summary>
    public int FirstDenseLayers { get; init; }

    /// <summary>Layers kept dense by Qwen's mlp_only_layers and decoder_sparse_step.</summary>
    public IReadOnlySet<int> DenseLayerIndices { get; init; } = new HashSet<int>();

    /// <summary>Expert weights with biases (gpt-oss).</summary>
    public bool ExpertBias { get; init; }

    /// <summary>Next-token-prediction layers in the checkpoint that vLLM loads only for speculative decoding.</summary>
    public int NextTokenPredictionLayers { get; init; }

    // Multi-head latent attention (DeepSeek-V2/V3): all zero otherwise.
    public int QLoraRank { get; init; }
    public int KvLoraRank { get; init; }
    public int QkNopeHeadDim { get; init; }
    public int QkRopeHeadDim { get; init; }
    public int VHeadDim { get; init; }

    public int SlidingWindow { get; init; }
    public int SlidingWindowLayers { get; init; }

    public JsonElement? QuantizationConfig { get; init; }

    public bool IsMla => KvLoraRank > 0;

    public bool IsMoe => Experts > 0;

    /// <summary>True when layer <paramref name="index"/> has routed experts.</summary>
    public bool IsMoeLayer(int index) => IsMoe && index >= FirstDenseLayers && !DenseLayerIndices.Contains(index);

    /// <summary>Reads config.json; <paramref name="source"/> names it in errors.</summary>
    public static HfModelConfig Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ModelConfigException($"{source}:{e.LineNumber + 1}:{e.BytePositionInLine + 1}: not valid JSON: {e.Message}");
        }

        using (document)
        {
            return HfConfigReader.Read(document.RootElement.Clone(), source);
        }
    }

    public static HfModelConfig Load(string path) => Parse(File.ReadAllText(path), path);
}
