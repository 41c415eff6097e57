using GpuBench.Core.Hardware;
using GpuBench.Simulation.Engine;
using GpuBench.Simulation.Performance;
using GpuBench.Simulation.Profiles;

namespace GpuBench.Simulation.Tests.Performance;

public class ReplicaModelTests
{
    private static readonly ModelProfile Glm = ModelCatalog.Default.Get("cpatonn/GLM-4.5-Air-AWQ-4bit");

    private static ReplicaModel Replica(string gpu, ModelProfile model, EngineOptions options)
    {
        var profile = GpuCatalog.Default.Get(gpu);
        return new ReplicaModel(profile, model, options.Resolve(profile, model));
    }

    [Theory]
    [InlineData(2, new[] { 23, 23 })]
    [InlineData(4, new[] { 11, 12, 12, 11 })]
    [InlineData(3, new[] { 15, 16, 15 })]
    public void Layers_split_as_vllm_splits_them_the_remainder_before_the_last_stage(int stages, int[] expected)
    {
        var replica = Replica("rtx4090", Glm, new EngineOptions { PipelineParallel = stages, MaxModelLen = 8192, KvCacheDtype = "fp8" });

        Assert.Equal(expected, replica.StageLayers);
    }

    [Fact]
    public void The_stage_without_the_leading_dense_layer_holds_more_experts_and_sets_the_kv_pool()
    {
        var replica = Replica("l40s", Glm, new EngineOptions { PipelineParallel = 2, MaxModelLen = 8192, KvCacheDtype = "fp8" });
        var (first, last) = (replica.StageMemory[0], replica.StageMemory[1]);

        // 23 layers each: the first holds 22 MoE layers and the dense one, the last 23 MoE layers.
        Assert.InRange(last.WeightBytes - first.WeightBytes, 0.9 * Glm.ExpertBytesPerLayer, 1.1 * Glm.ExpertBytesPerLayer);
        Assert.Equal(last.Blocks, replica.TotalBlocks);
        Assert.True(first.Blocks > last.Blocks);
    }

    [Fact]
    public void A_measured_checkpoint_size_wins_over_the_parameter_count()
    {
        var derived = Glm with { ServedWeightsGb = null };

        Assert.Equal(62.1e9, Glm.WeightBytes);
        Assert.True(derived.WeightBytes < Glm.WeightBytes - 3e9, "the quantizer keeps more than the embeddings in 16 bit");
        Assert.Equal(Glm.WeightBytes - Glm.ExpertBytesPerLayer * Glm.MoeLayers, Glm.AlwaysReadBytes, 3);
    }

    [Fact]
    public void In_band_ecc_takes_its_share_of_the_memory_bandwidth()
    {
        var l40s = GpuCatalog.Default.Get("l40s");
        var rtx4090 = GpuCatalog.Default.Get("rtx4090");

        Assert.Equal(864.0 * 46068 / 49152, l40s.DataBandwidthGbps, 6);
        Assert.Equal(rtx4090.HbmBandwidthGbps, rtx4090.DataBandwidthGbps);
        var batch = new BatchShape();
        batch.Add(1, 1000);
        var ecc = Replica("l40s", Glm, new EngineOptions { PipelineParallel = 2, MaxModelLen = 8192 });
        var noEcc = new ReplicaModel(l40s with { InbandEcc = false }, Glm, ecc.Settings);
        // Streaming weights and KV slows by the ECC share; the fixed per-layer MoE costs do not.
        Assert.InRange(ecc.StageSeconds(1, batch) / noEcc.StageSeconds(1, batch), 1.03, 49152.0 / 46068 + 1e-9);
    }

    [Fact]
    public void The_output_head_is_read_by_the_last_stage_only()
    {
        var model = ModelCatalog.Default.Get("meta-llama/Llama-3.1-8B-Instruct");
        var replica = Replica("h100", model, new EngineOptions { PipelineParallel = 2, MaxModelLen = 4096 });
        var batch = new BatchShape();
        batch.Add(1, 10);

        // Same layers on both stages: the difference is the 128256 × 4096 head in 16 bit, read at the memory bandwidth.
        var headSeconds = replica.StageSeconds(1, batch) - replica.StageSeconds(0, batch);
        Assert.True(headSeconds > 0);
        Assert.Equal(model.EmbeddingParamsB * 1e9, headSeconds * replica.Gpu.HbmBandwidthGbps * 1e9 * replica.Calibration.For("hopper").MemoryEfficiency, tolerance: 1e6);
    }
}
