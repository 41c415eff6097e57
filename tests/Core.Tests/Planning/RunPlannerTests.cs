using GpuBench.Core.Config;
using GpuBench.Core.Hardware;
using GpuBench.Core.Planning;
using GpuBench.Core.Tests.Config;

namespace GpuBench.Core.Tests.Planning;

public class RunPlannerTests
{
    private static readonly RunPlanner Planner = new(GpuCatalog.Default);

    private static BenchConfig Config(string gpu = "{ type: rtx4090, count: 4 }", string model = "weights_gb: 40", string extra = "")
    {
        var yaml = ConfigText.Valid
            .Replace("{ type: rtx4090, count: 4 }", gpu)
            .Replace("weights_gb: 17", model)
            + extra;
        var result = ConfigText.Load(yaml);
        return result.Config ?? throw new InvalidOperationException(string.Join("\n", result.Errors));
    }

    [Fact]
    public void Plan_splits_four_gpus_into_two_pp2_replicas()
    {
        var run = Assert.Single(Planner.Plan(Config()).Runs);

        Assert.Equal("2 × pp2", run.Layout.ToString());
        Assert.Equal(["0,1", "2,3"], run.Layout.Placements.Select(p => p.DeviceList));
    }

    [Fact]
    public void Small_model_gets_one_replica_per_gpu()
    {
        var run = Assert.Single(Planner.Plan(Config(model: "weights_gb: 17")).Runs);

        Assert.Equal("4 × 1", run.Layout.ToString());
        Assert.Equal(["0", "1", "2", "3"], run.Layout.Placements.Select(p => p.DeviceList));
    }

    [Fact]
    public void Explicit_tensor_parallel_wins_over_the_planner()
    {
        var run = Assert.Single(Planner.Plan(Config(model: "weights_gb: 17\n    tp: 2")).Runs);

        Assert.Equal("2 × tp2", run.Layout.ToString());
    }

    [Fact]
    public void Explicit_replicas_leave_the_other_gpus_idle()
    {
        var run = Assert.Single(Planner.Plan(Config(model: "weights_gb: 17\n    replicas: 1")).Runs);

        Assert.Equal("1 × 1", run.Layout.ToString());
        Assert.Equal(1, run.Layout.TotalGpus);
    }

    [Fact]
    public void Explicit_replicas_that_need_a_longer_pipeline_than_the_box_allows_are_not_planned()
    {
        // 40 GB needs pp2 on 4090s, so two replicas would need four GPUs.
        var plan = Planner.Plan(Config(gpu: "{ type: rtx4090, count: 2 }", model: "weights_gb: 40\n    replicas: 2"));

        Assert.Equal("2 × tp1 × pp2 needs 4 GPUs, the server has 2", Assert.Single(plan.Unplanned).Reason);
    }

    [Fact]
    public void Model_that_cannot_fit_is_reported_with_the_numbers_not_planned()
    {
        var plan = Planner.Plan(Config(gpu: "{ type: rtx4090, count: 1 }", model: "weights_gb: 64"));

        Assert.Empty(plan.Runs);
        var unplanned = Assert.Single(plan.Unplanned);
        Assert.Equal(
            "does not fit: 64 GB of weights need 66.0 GB per GPU even at pp1 (weights / 1 + 2 GB headroom), " +
            "but a rtx4090 offers 23.2 GB (25.8 GB × gpu_memory_utilization 0.9)",
            unplanned.Reason);
        Assert.Equal(["smoke"], unplanned.Workloads.Select(w => w.Name));
    }

    [Fact]
    public void Pipeline_sizes_are_powers_of_two_that_divide_the_gpu_count()
    {
        // 3 GPUs allow pp1 only: 40 GB does not fit one 4090, and pp3 is not tried.
        var plan = Planner.Plan(Config(gpu: "{ type: rtx4090, count: 3 }"));

        Assert.StartsWith("does not fit: 40 GB of weights need 42.0 GB per GPU even at pp1", Assert.Single(plan.Unplanned).Reason);
    }

    [Fact]
    public void Lower_memory_utilization_can_push_a_model_to_a_longer_pipeline()
    {
        // 17 GB + 2 GB fits 25.8 GB × 0.9 = 23.2 GB, but not × 0.7 = 18.0 GB.
        var run = Assert.Single(Planner.Plan(Config(model: "weights_gb: 17", extra: "\n    engine: { gpu_memory_utilization: 0.7 }")).Runs);

        Assert.Equal("2 × pp2", run.Layout.ToString());
    }

    [Fact]
    public void Hourly_cost_is_the_gpu_price_times_the_gpus_the_layout_uses()
    {
        var run = Assert.Single(Planner.Plan(Config(model: "weights_gb: 17\n    replicas: 3")).Runs);

        Assert.Equal(0.39m * 3, run.DollarsPerHour);
    }

    [Fact]
    public void Gpu_type_without_a_price_has_no_cost_rather_than_zero()
    {
        var run = Assert.Single(Planner.Plan(Config(gpu: "{ type: l40s, count: 2 }")).Runs);

        Assert.Null(run.DollarsPerHour);
    }

    [Fact]
    public void Every_workload_of_a_server_becomes_a_run_in_config_order()
    {
        var yaml = ConfigText.Valid.Replace("workloads:\n", """
            workloads:
              - name: long
                input_len: 1000
                output_len: 1000
                num_prompts: 1200

            """);
        var plan = Planner.Plan(ConfigText.Load(yaml).Config!);

        Assert.Equal(["box/qwen/long", "box/qwen/smoke"], plan.Runs.Select(r => r.RelativePath));
    }

    [Fact]
    public void Runs_get_the_engine_settings_of_their_server_and_model()
    {
        var config = Config(
            model: "weights_gb: 17\n    engine: { max_model_len: 2048, extra_args: [--dtype, float16] }",
            extra: "\n    engine: { kind: sim, max_model_len: 4096, extra_args: [--seed, '1'] }\nengine:\n  extra_args: [--trust-remote-code]");

        var engine = Assert.Single(Planner.Plan(config).Runs).Engine;

        Assert.Equal(EngineKind.Sim, engine.Kind);
        Assert.Equal(4096, engine.MaxModelLen);
        Assert.Equal(["--trust-remote-code", "--dtype", "float16", "--seed", "1"], engine.ExtraArgs);
    }

    [Fact]
    public void Root_config_plans_every_model_on_every_simulated_box()
    {
        var config = ConfigLoader.Load(Path.Combine(TestSupport.Fixtures.RepositoryRoot, "config.yml")).Config!;

        var plan = Planner.Plan(config);

        Assert.Empty(plan.Unplanned);
        Assert.Equal(
            [
                "sim-rtx4090/qwen3-coder-30b/smoke 4 × 1", "sim-rtx4090/qwen3-coder-30b/chat-slo 4 × 1",
                "sim-rtx4090/llama-3.3-70b/smoke 2 × pp2", "sim-rtx4090/llama-3.3-70b/chat-slo 2 × pp2",
                "sim-rtx4090/glm-4.5-air/smoke 1 × pp4", "sim-rtx4090/glm-4.5-air/chat-slo 1 × pp4",
                "sim-rtx5090/qwen3-coder-30b/smoke 4 × 1", "sim-rtx5090/qwen3-coder-30b/chat 4 × 1",
                "sim-rtx5090/llama-3.3-70b/smoke 2 × pp2", "sim-rtx5090/llama-3.3-70b/chat 2 × pp2",
                "sim-rtx5090/glm-4.5-air/smoke 1 × pp4", "sim-rtx5090/glm-4.5-air/chat 1 × pp4",
                "sim-pro6000/qwen3-coder-30b/smoke 1 × 1", "sim-pro6000/qwen3-coder-30b/chat-slo 1 × 1",
                "sim-pro6000/llama-3.3-70b/smoke 1 × 1", "sim-pro6000/llama-3.3-70b/chat-slo 1 × 1",
                "sim-pro6000/glm-4.5-air/smoke 1 × 1", "sim-pro6000/glm-4.5-air/chat-slo 1 × 1",
            ],
            plan.Runs.Select(r => $"{r.RelativePath} {r.Layout}"));
    }
}
