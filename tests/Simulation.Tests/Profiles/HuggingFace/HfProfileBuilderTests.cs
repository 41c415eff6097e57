using GpuBench.Simulation.Profiles.HuggingFace;

namespace GpuBench.Simulation.Tests.Profiles.HuggingFace;

/// <summary>
/// Profiles derived from config.json files written from the public model cards (architecture figures only), checked
/// against the published checkpoints: parameter counts and the byte size of the safetensors files.
/// </summary>
public sealed class HfProfileBuilderTests
{
    private static DerivedProfile Derive(string name) =>
        HfProfileBuilder.Build(name, HfModelConfig.Load(Path.Combine(AppContext.BaseDirectory, "Profiles", "HuggingFace", "Configs", name + ".json")));

    /// <summary>Published parameter counts (billions, as the model pages give them) and checkpoint sizes (GB).</summary>
    [Theory]
    [InlineData("Llama-3.1-8B", 8.03, 16.06)]            // model.safetensors.index.json total_size 16,060,522,496
    [InlineData("Llama-3.1-70B", 70.6, 141.1)]           // total_size 141,107,412,992
    [InlineData("Qwen3-30B-A3B", 30.5, 61.1)]            // "30.5B", 16 shards
    [InlineData("Qwen3-Coder-480B-A35B", 480, 960)]      // "480B total, 35B activated", bf16
    [InlineData("Qwen3-Coder-480B-A35B-FP8", 480, 482)]  // fp8 block 128: one byte a weight, 16-bit embeddings
    [InlineData("GLM-4.5-Air", 106, 221)]                // "106B total, 12B active", plus its next-token-prediction layer
    [InlineData("GLM-4.6", 355, 714)]                    // "355B total, 32B active"
    [InlineData("DeepSeek-V3", 671, 689)]                // "671B + 14B MTP", fp8 block 128
    [InlineData("gpt-oss-120b", 116.8, 65.2)]            // 116.83B, "60.8 GiB" of MXFP4 experts and bf16 rest
    public void Derived_sizes_match_the_published_checkpoints(string name, double paramsB, double checkpointGb)
    {
        var derived = Derive(name);

        Assert.InRange(derived.Profile.ParamsTotalB, paramsB * 0.97, paramsB * 1.03);
        Assert.InRange(derived.CheckpointBytes / 1e9, checkpointGb * 0.97, checkpointGb * 1.03);
    }

    /// <summary>Model cards count active parameters with both embedding tables, without them, or with the output head only.</summary>
    [Theory]
    [InlineData("Qwen3-30B-A3B", 3.3, 2)]          // "3.3B activated"
    [InlineData("Qwen3-Coder-480B-A35B", 35, 2)]   // "35B activated"
    [InlineData("GLM-4.5-Air", 12, 0)]             // "12B active": without embeddings
    [InlineData("GLM-4.6", 32, 0)]                 // "32B active": without embeddings
    [InlineData("DeepSeek-V3", 37, 2)]             // "37B activated"
    [InlineData("gpt-oss-120b", 5.1, 1)]           // "5.1B active": the unembedding counts, the embedding lookup not
    public void Active_parameters_match_the_model_cards(string name, double activeB, int embeddingTablesCounted)
    {
        var profile = Derive(name).Profile;
        var counted = profile.ParamsActiveB - profile.EmbeddingParamsB * (2 - embeddingTablesCounted) / 2;

        Assert.InRange(counted, activeB * 0.95, activeB * 1.05);
    }

    [Fact]
    public void Awq_weights_are_four_bits_with_an_fp16_scale_and_a_four_bit_zero_per_128()
    {
        var awq = Derive("Qwen3-Coder-480B-A35B-AWQ");
        var bf16 = Derive("Qwen3-Coder-480B-A35B");

        Assert.Equal(0.5 + 2.5 / 128, awq.Format.QuantizedBytes, 12);
        Assert.Equal(0.5 + 2.5 / 128, awq.Profile.BytesPerWeight, 12);
        Assert.Equal("fp16", awq.Profile.ComputeDtype);
        // Everything but the embeddings, the output head, the norms and the routers is quantized.
        var p = bf16.Profile;
        var routersAndNorms = 62 * (160 * 6144 + 2 * 6144 + 2 * 128) + 6144;
        var quantized = p.ParamsTotalB * 1e9 - p.EmbeddingParamsB * 1e9 - routersAndNorms;
        Assert.Equal(quantized * (0.5 + 2.5 / 128) + (p.EmbeddingParamsB * 1e9 + routersAndNorms) * 2, awq.CheckpointBytes, 1e-6 * awq.CheckpointBytes);
    }

    [Fact]
    public void Fp8_block_weights_carry_one_fp32_scale_per_128_by_128_and_run_on_fp8_tensor_cores()
    {
        var fp8 = Derive("Qwen3-Coder-480B-A35B-FP8");

        Assert.Equal(1 + 4.0 / (128 * 128), fp8.Format.QuantizedBytes, 12);
        Assert.Equal("fp8", fp8.Profile.ComputeDtype);
        Assert.Equal("fp8", Derive("GLM-4.6-FP8").Profile.ComputeDtype);
    }

    [Fact]
    public void Mxfp4_quantizes_the_experts_only()
    {
        var oss = Derive("gpt-oss-120b");

        Assert.Equal(0.5 + 1.0 / 32, oss.Profile.BytesPerWeight, 12);
        Assert.Equal(2, oss.Format.BytesFor("model.layers.0.self_attn.q_proj", isExpert: false));
        Assert.Equal(18, oss.Profile.SlidingWindowLayers);
        Assert.Equal(128, oss.Profile.SlidingWindow);
    }

    [Fact]
    public void Deepseek_keeps_one_latent_kv_entry_per_layer_whatever_the_tensor_parallel_size()
    {
        var profile = Derive("DeepSeek-V3").Profile;

        Assert.Equal(512 + 64, profile.KvLatentDim);
        Assert.Equal(576, profile.KvElementsPerTokenPerLayer(8));
        Assert.Equal(61 * 576 * 2.0, profile.KvBytesPerToken(2));  // 70 KB per token in bf16
        Assert.Equal(58, profile.MoeLayers);                        // first_k_dense_replace 3
    }

    [Fact]
    public void Grouped_query_attention_splits_kv_heads_over_tensor_parallel_ranks()
    {
        var profile = Derive("Llama-3.1-70B").Profile;

        Assert.Equal(2.0 * 8 * 128, profile.KvElementsPerTokenPerLayer(1));
        Assert.Equal(2.0 * 1 * 128, profile.KvElementsPerTokenPerLayer(8));
        Assert.False(profile.IsMoe);
    }

    [Fact]
    public void The_served_weights_leave_out_the_next_token_prediction_layer()
    {
        var derived = Derive("GLM-4.5-Air");

        Assert.True(derived.CheckpointBytes > derived.Profile.WeightBytes);
        Assert.InRange(derived.CheckpointBytes - derived.Profile.WeightBytes, 4e9, 6e9);  // one MoE layer of 2.4B parameters in bf16
    }

    [Fact]
    public void A_safetensors_index_size_is_the_real_size()
    {
        var config = HfModelConfig.Load(Path.Combine(AppContext.BaseDirectory, "Profiles", "HuggingFace", "Configs", "Llama-3.1-8B.json"));

        var derived = HfProfileBuilder.Build("llama", config, indexTotalBytes: 16_060_522_496);

        Assert.Equal(16_060_522_496, derived.CheckpointBytes);
        Assert.Equal(16.060522496, derived.Profile.ServedWeightsGb!.Value, 9);
    }

    [Theory]
    [InlineData("""{"hidden_size": 4096, "num_attention_heads": 32, "num_hidden_layers": 32}""", "'vocab_size' is missing")]
    [InlineData("""{"hidden_size": 4096, "num_attention_heads": 32, "num_hidden_layers": 32, "vocab_size": 1000, "intermediate_size": 1, "layer_types": ["linear_attention"]}""", "'linear_attention' layers")]
    [InlineData("""{"text_config": {}}""", "multimodal")]
    [InlineData("""{"hidden_size": 4096, "num_attention_heads": 32, "num_hidden_layers": 32, "vocab_size": 1000, "intermediate_size": 1, "quantization_config": {"quant_method": "bitsandbytes"}}""", "quantization 'bitsandbytes' is not modelled")]
    [InlineData("""{"hidden_size": "big"}""", "'hidden_size' must be an integer")]
    [InlineData("{\n  \"hidden_size\": 4096,,\n}", "config.json:2:")]
    public void An_architecture_it_cannot_model_is_an_error_naming_the_missing_piece(string json, string expected)
    {
        var error = Assert.Throws<ModelConfigException>(() => HfProfileBuilder.Build("m", HfModelConfig.Parse(json, "config.json")));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("config.json", error.Message, StringComparison.Ordinal);
    }
}
