using GpuBench.Core.Hardware;
using GpuBench.Simulation.Engine;
using GpuBench.Simulation.Performance;
using GpuBench.Simulation.Profiles;

namespace GpuBench.Simulation.Tests.Engine;

public class SchedulerTests
{
    private static readonly ModelProfile Qwen = ModelCatalog.Default.Get("QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ");

    private static ReplicaModel Replica(string gpu, EngineOptions? options = null, ModelProfile? model = null)
    {
        var profile = GpuCatalog.Default.Get(gpu);
        model ??= Qwen;
        return new ReplicaModel(profile, model, (options ?? new EngineOptions { MaxModelLen = 8192 }).Resolve(profile, model));
    }

    private static List<TokenOutput> RunToCompletion(EngineCore engine)
    {
        var outputs = new List<TokenOutput>();
        while (engine.NextEventTime is { } next)
        {
            engine.Advance(next, outputs);
        }

        return outputs;
    }

    [Fact]
    public void Kv_pool_is_what_vram_leaves_after_weights_and_reserve()
    {
        var small = Replica("rtx4090");
        var large = Replica("pro6000");
        var memory = small.StageMemory[0];

        Assert.Equal(GpuCatalog.Default.Get("rtx4090").VramBytes * 0.9, memory.WeightBytes + memory.ReservedBytes + memory.KvBytes, 3);
        Assert.True(memory.WeightBytes > 15e9 && memory.WeightBytes < 19e9, $"Qwen3-30B AWQ weights {memory.WeightBytes / 1e9:F1} GB");
        Assert.True(large.KvCapacityTokens > 10 * small.KvCapacityTokens);
        Assert.Equal(memory.Blocks, small.TotalBlocks);
    }

    [Fact]
    public void A_model_that_does_not_fit_reports_why()
    {
        var glm = ModelCatalog.Default.Get("cpatonn/GLM-4.5-Air-AWQ-4bit");

        var replica = Replica("rtx4090", model: glm);

        Assert.Contains("no memory left for the KV cache", replica.FitError, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => new EngineCore(replica));
        Assert.Null(Replica("rtx4090", new EngineOptions { PipelineParallel = 4, MaxModelLen = 8192 }, glm).FitError);
    }

    [Fact]
    public void Defaults_follow_vllm_for_large_and_small_gpus()
    {
        var settings4090 = new EngineOptions().Resolve(GpuCatalog.Default.Get("rtx4090"), Qwen);
        var settingsH200 = new EngineOptions().Resolve(GpuCatalog.Default.Get("h200"), Qwen);
        var settingsA100 = new EngineOptions().Resolve(GpuCatalog.Default.Get("a100"), Qwen);

        Assert.Equal((2048, 256), (settings4090.MaxNumBatchedTokens, settings4090.MaxNumSeqs));
        Assert.Equal((8192, 1024), (settingsH200.MaxNumBatchedTokens, settingsH200.MaxNumSeqs));
        Assert.Equal((2048, 256), (settingsA100.MaxNumBatchedTokens, settingsA100.MaxNumSeqs));
        Assert.Equal(Qwen.MaxPositionEmbeddings, settings4090.MaxModelLen);
    }

    [Fact]
    public void Long_prompts_are_prefilled_in_chunks_within_the_token_budget()
    {
        var engine = new EngineCore(Replica("h100", new EngineOptions { MaxNumBatchedTokens = 512, MaxModelLen = 8192 }));
        var request = new EngineRequest("a", promptTokens: 2000, maxTokens: 3);
        engine.Add(request, 0);
        engine.Advance(0, []);

        var outputs = RunToCompletion(engine);

        // 2000 prompt tokens in 512-token chunks take 4 steps, the first token comes with the last chunk.
        Assert.Equal(3, outputs.Count);
        Assert.Equal(6, engine.StepsCompleted);
        Assert.Equal(FinishReason.Length, request.FinishReason);
        Assert.True(outputs[0].Time > 0 && outputs[1].Time > outputs[0].Time);
    }

    [Fact]
    public void Max_num_seqs_caps_the_running_batch()
    {
        var engine = new EngineCore(Replica("h100", new EngineOptions { MaxNumSeqs = 3, MaxModelLen = 8192 }));
        for (var i = 0; i < 5; i++)
        {
            engine.Add(new EngineRequest($"r{i}", 10, 5), 0);
        }

        engine.Advance(0, []);

        Assert.Equal(3, engine.Running);
        Assert.Equal(2, engine.Waiting);
        Assert.Equal(25, RunToCompletion(engine).Count);
    }

    [Fact]
    public void Requests_are_preempted_when_the_kv_cache_runs_out_and_still_finish()
    {
        // 64 blocks of 16 tokens: four requests of 200 + 300 tokens cannot all stay resident.
        var replica = Replica("rtx4090", new EngineOptions { MaxModelLen = 600, MaxNumSeqs = 8 });
        var small = new { Engine = new EngineCore(replica, totalBlocks: 64) };
        var requests = Enumerable.Range(0, 4).Select(i => new EngineRequest($"r{i}", 200, 300)).ToArray();
        foreach (var request in requests)
        {
            small.Engine.Add(request, 0);
        }

        small.Engine.Advance(0, []);
        var outputs = RunToCompletion(small.Engine);

        Assert.True(small.Engine.Preemptions > 0);
        Assert.All(requests, r => Assert.Equal(300, r.OutputTokens));
        Assert.Equal(1200, outputs.Count);
        Assert.Equal(64, small.Engine.Pool.FreeBlocks);
    }

    [Fact]
    public void Batches_are_slower_with_more_context_and_faster_on_faster_memory()
    {
        var replica4090 = Replica("rtx4090");
        var replicaH200 = Replica("h200");
        var shortContext = Shape(64, 100);
        var longContext = Shape(64, 4000);

        Assert.True(replica4090.StageSeconds(0, longContext) > replica4090.StageSeconds(0, shortContext));
        Assert.True(replicaH200.StageSeconds(0, shortContext) < replica4090.StageSeconds(0, shortContext) / 2);
    }

    [Fact]
    public void A_moe_batch_touches_more_experts_as_it_grows_up_to_all_of_them()
    {
        var replica = Replica("rtx4090");

        Assert.True(replica.ExpertsTouched(1) < replica.ExpertsTouched(16));
        Assert.InRange(replica.ExpertsTouched(4096), Qwen.Experts * 0.99, Qwen.Experts);
    }

    [Fact]
    public void Pipeline_stages_split_layers_and_keep_several_micro_batches_in_flight()
    {
        var llama = ModelCatalog.Default.Get("ibnzterrell/Meta-Llama-3.3-70B-Instruct-AWQ-INT4");
        var replica = Replica("rtx5090", new EngineOptions { PipelineParallel = 2, MaxModelLen = 8192, KvCacheDtype = "fp8" }, llama);
        var engine = new EngineCore(replica);
        for (var i = 0; i < 8; i++)
        {
            engine.Add(new EngineRequest($"r{i}", 100, 2), 0);
        }

        engine.Advance(0, []);

        Assert.Equal([40, 40], replica.StageLayers);
        // Both micro-batch slots are used at once: the second batch is scheduled before the first completes.
        Assert.True(engine.Running == 8 && engine.NextEventTime > 0);
        Assert.Equal(16, RunToCompletion(engine).Count);
    }

    private static BatchShape Shape(int sequences, int context)
    {
        var shape = new BatchShape();
        for (var i = 0; i < sequences; i++)
        {
            shape.Add(1, context);
        }

        return shape;
    }
}
