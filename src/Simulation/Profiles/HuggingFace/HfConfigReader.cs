using System.Text.Json;

namespace GpuBench.Simulation.Profiles.HuggingFace;

/// <summary>Maps the keys of a config.json, under each model family's name for them, onto <see cref="HfModelConfig"/>.</summary>
internal static class HfConfigReader
{
    /// <summary>Layer kinds GpuBench's performance model has no terms for, by the name config.json gives them.</summary>
    private static readonly string[] UnmodelledLayerKinds = ["linear_attention", "mamba", "conv", "ssm"];

    public static HfModelConfig Read(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ModelConfigException($"{source}: expected a JSON object");
        }

        if (!root.TryGetProperty("hidden_size", out _) && root.TryGetProperty("text_config", out _))
        {
            throw new ModelConfigException($"{source}: a multimodal model (text_config): its vision or audio encoder is not modelled");
        }

        var reader = new Keys(root, source);
        var layerKinds = reader.Strings("layer_types");
        if (layerKinds.FirstOrDefault(k => UnmodelledLayerKinds.Any(u => k.Contains(u, StringComparison.OrdinalIgnoreCase))) is { } kind)
        {
            throw new ModelConfigException($"{source}: layer_types has '{kind}' layers, which the performance model does not model (attention layers only)");
        }

        var hidden = reader.Required("hidden_size");
        var heads = reader.Required("num_attention_heads");
        var layers = reader.Required("num_hidden_layers");
        var experts = reader.First("num_experts", "num_local_experts", "n_routed_experts");
        var sparseStep = reader.Optional("decoder_sparse_step") ?? 1;
        var denseIndices = new HashSet<int>(reader.Ints("mlp_only_layers"));
        for (var i = 0; i < layers && sparseStep > 1; i++)
        {
            if ((i + 1) % sparseStep != 0)
            {
                denseIndices.Add(i);
            }
        }

        var window = reader.Optional("sliding_window") ?? 0;
        return new HfModelConfig
        {
            Source = source,
            ModelType = reader.String("model_type") ?? "",
            HiddenSize = hidden,
            Layers = layers,
            AttentionHeads = heads,
            KvHeads = reader.Optional("num_key_value_heads") ?? heads,
            HeadDim = reader.Optional("head_dim") ?? hidden / heads,
            VocabSize = reader.Required("vocab_size"),
            IntermediateSize = reader.Optional("intermediate_size") ?? 0,
            TieWordEmbeddings = reader.Bool("tie_word_embeddings") ?? false,
            AttentionBias = (reader.Bool("attention_bias") ?? false) || reader.String("model_type") is "qwen2" or "qwen2_moe" or "gpt_oss",
            MaxPositionEmbeddings = reader.Optional("max_position_embeddings") ?? 0,
            TorchDtype = reader.String("torch_dtype") ?? reader.String("dtype") ?? "bfloat16",
            Experts = experts ?? 0,
            ExpertsPerToken = experts is null ? 0 : reader.First("num_experts_per_tok", "experts_per_token")
                ?? throw new ModelConfigException($"{source}: an MoE model without num_experts_per_tok"),
            MoeIntermediateSize = reader.Optional("moe_intermediate_size") ?? reader.Optional("intermediate_size") ?? 0,
            SharedExperts = reader.Optional("n_shared_experts") ?? 0,
            SharedExpertIntermediateSize = reader.Optional("shared_expert_intermediate_size") ?? 0,
            FirstDenseLayers = reader.Optional("first_k_dense_replace") ?? 0,
            DenseLayerIndices = denseIndices,
            ExpertBias = reader.String("model_type") == "gpt_oss",
            NextTokenPredictionLayers = reader.Optional("num_nextn_predict_layers") ?? 0,
            QLoraRank = reader.Optional("q_lora_rank") ?? 0,
            KvLoraRank = reader.Optional("kv_lora_rank") ?? 0,
            QkNopeHeadDim = reader.Optional("qk_nope_head_dim") ?? 0,
            QkRopeHeadDim = reader.Optional("qk_rope_head_dim") ?? 0,
            VHeadDim = reader.Optional("v_head_dim") ?? 0,
            SlidingWindow = window,
            SlidingWindowLayers = window == 0 ? 0
                : layerKinds.Length > 0 ? layerKinds.Count(k => k == "sliding_attention")
                : (reader.Bool("use_sliding_window") ?? true) ? layers : 0,
            QuantizationConfig = root.TryGetProperty("quantization_config", out var q) && q.ValueKind == JsonValueKind.Object ? q : null,
        };
    }

    /// <summary>Typed access to the keys of one object, with errors that name the file and key.</summary>
    private sealed class Keys(JsonElement root, string source)
    {
        public int Required(string key) =>
            Optional(key) ?? throw new ModelConfigException($"{source}: '{key}' is missing; the profile needs it");

        public int? Optional(string key) =>
            root.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null
                ? value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
                    ? number
                    : throw new ModelConfigException($"{source}: '{key}' must be an integer, got {value.GetRawText()}")
                : null;

        public int? First(params string[] keys) => keys.Select(Optional).FirstOrDefault(v => v is not null);

        public bool? Bool(string key) =>
            root.TryGetProperty(key, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

        public string? String(string key) =>
            root.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        public string[] Strings(string key) =>
            root.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Array
                ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]
                : [];

        public int[] Ints(string key) =>
            root.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Array
                ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Number).Select(v => v.GetInt32())]
                : [];
    }
}
