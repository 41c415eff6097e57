using GpuBench.Controller.Campaigns;
using GpuBench.Controller.Commands;
using GpuBench.TestSupport;

namespace GpuBench.Controller.Tests.Commands;

public class PlanCommandTests
{
    [Fact]
    public void Plan_prints_the_matrix_of_the_root_config()
    {
        var result = GpuBenchApp.Run("plan", "--config", Path.Combine(Fixtures.RepositoryRoot, "config.yml"));

        Assert.Equal(0, result.ExitCode);
        var cells = result.Lines().Where(l => l.StartsWith("│ sim-", StringComparison.Ordinal))
            .Select(l => l.Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToArray();
        var rows = cells.Select(c => string.Join(" ; ", c[..6])).ToArray();
        Assert.Equal(
            [
                "sim-rtx4090 ; qwen3-coder-30b ; smoke ; 4 × 1 ; 0|1|2|3 ; $1.56",
                "sim-rtx4090 ; qwen3-coder-30b ; chat-slo ; 4 × 1 ; 0|1|2|3 ; $1.56",
                "sim-rtx4090 ; llama-3.3-70b ; smoke ; 2 × pp2 ; 0,1|2,3 ; $1.56",
                "sim-rtx4090 ; llama-3.3-70b ; chat-slo ; 2 × pp2 ; 0,1|2,3 ; $1.56",
                "sim-rtx4090 ; glm-4.5-air ; smoke ; 1 × pp4 ; 0,1,2,3 ; $1.56",
                "sim-rtx4090 ; glm-4.5-air ; chat-slo ; 1 × pp4 ; 0,1,2,3 ; $1.56",
                "sim-rtx5090 ; qwen3-coder-30b ; smoke ; 4 × 1 ; 0|1|2|3 ; $2.60",
                "sim-rtx5090 ; qwen3-coder-30b ; chat ; 4 × 1 ; 0|1|2|3 ; $2.60",
                "sim-rtx5090 ; llama-3.3-70b ; smoke ; 2 × pp2 ; 0,1|2,3 ; $2.60",
                "sim-rtx5090 ; llama-3.3-70b ; chat ; 2 × pp2 ; 0,1|2,3 ; $2.60",
                "sim-rtx5090 ; glm-4.5-air ; smoke ; 1 × pp4 ; 0,1,2,3 ; $2.60",
                "sim-rtx5090 ; glm-4.5-air ; chat ; 1 × pp4 ; 0,1,2,3 ; $2.60",
                "sim-pro6000 ; qwen3-coder-30b ; smoke ; 1 × 1 ; 0 ; $1.29",
                "sim-pro6000 ; qwen3-coder-30b ; chat-slo ; 1 × 1 ; 0 ; $1.29",
                "sim-pro6000 ; llama-3.3-70b ; smoke ; 1 × 1 ; 0 ; $1.29",
                "sim-pro6000 ; llama-3.3-70b ; chat-slo ; 1 × 1 ; 0 ; $1.29",
                "sim-pro6000 ; glm-4.5-air ; smoke ; 1 × 1 ; 0 ; $1.29",
                "sim-pro6000 ; glm-4.5-air ; chat-slo ; 1 × 1 ; 0 ; $1.29",
            ],
            rows);
        Assert.All(cells, c => Assert.Matches(c[2] switch { "smoke" => "^c16$", "chat" => "^c5$", _ => "^search c8…c32 from c[0-9]+$" }, c[6]));
        Assert.All(cells, c => Assert.Matches(c[2] == "chat" ? "^unknown$" : "^([0-9]+ min )?[0-9]+ s$", c[7]));
        Assert.EndsWith("18 runs planned, 0 not planned.", result.Output.Trim());
    }

    [Fact]
    public void Plan_lists_models_that_do_not_fit_with_the_reason_and_unpriced_gpus_as_no_price()
    {
        var path = GpuBenchApp.WriteConfig("""
            workloads:
              - { name: smoke, input_len: 200, output_len: 100, num_prompts: 64 }
            models:
              small: { id: Qwen/Qwen3-8B, weights_gb: 17 }
              big: { id: cpatonn/GLM-4.5-Air-AWQ-4bit, weights_gb: 64 }
            servers:
              - name: l40s-x1
                local: true
                gpu: { type: l40s, count: 1 }
                models: [small, big]
            """);

        var result = GpuBenchApp.Run("plan", "--config", path);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("│ l40s-x1 │ small │ smoke    │ 1 × 1  │ 0       │ no price │", result.Output);
        Assert.Contains(
            "│ l40s-x1 │ big   │ smoke     │ does not fit: 64 GB of weights need 66.0 GB per GPU even at pp1 (weights / 1 + 2 GB headroom), " +
            "but a l40s offers 43.5 GB (48.3 GB × gpu_memory_utilization 0.9) │",
            result.Output);
        Assert.EndsWith("1 run planned, 1 not planned.", result.Output.Trim());
    }

    [Fact]
    public void Plan_refuses_an_invalid_config_with_its_errors()
    {
        var path = GpuBenchApp.WriteConfig("""
            workloads: []
            models: {}
            servers: []
            """);

        var result = GpuBenchApp.Run("plan", "--config", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            [
                $"{path}:1:12: workloads: must list at least one entry",
                $"{path}:2:9: models: must have at least one entry",
                $"{path}:3:10: servers: must list at least one entry",
                "3 errors, 0 warnings: fix the errors and run again.",
            ],
            result.Lines().Where(l => l.Length > 0));
    }

    private const string SweepConfig = """
        prices: { rtx4090: 0.39 }
        engine: { kind: sim, max_model_len: 8192 }
        workloads:
          - { name: grid, input_len: 200, output_len: 100, num_prompts: 64, sweep: { max_concurrency: [1, 8] }, repeats: 2 }
          - name: limit
            input_len: 200
            output_len: 100
            num_prompts: 64
            slo: { ttft_ms: 500, tpot_ms: 50 }
            sweep: { search: max_concurrency, min: 1, max: 256 }
          - { name: shared, dataset: { name: prefix_repetition }, num_prompts: 20, max_concurrency: 10 }
        models:
          qwen: { id: QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ, weights_gb: 17 }
        servers:
          - name: box
            local: true
            gpu: { type: rtx4090, count: 1 }
            models: [qwen]
        """;

    [Fact]
    public void Plan_prints_a_grids_points_a_searchs_predicted_start_and_the_campaigns_predicted_time_and_cost()
    {
        var path = GpuBenchApp.WriteConfig(SweepConfig);

        var result = GpuBenchApp.Run("plan", "--config", path);

        Assert.Equal(0, result.ExitCode);
        var rows = result.Lines().Where(l => l.StartsWith("│ box", StringComparison.Ordinal))
            .Select(l => l.Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();

        // The grid: its points as listed, the time `gpubench predict` gives each, twice (repeats), plus one simulated deployment.
        var grid = rows.Single(r => r[2] == "grid");
        var gridSeconds = 2 * (PredictedSeconds(1) + PredictedSeconds(8)) + 10;
        Assert.Equal(["c1, c8 × 2 repeats", CampaignEstimate.Duration(gridSeconds), CampaignEstimate.Dollars((decimal)gridSeconds / 3600 * 0.39m)], grid[6..]);

        // The search starts at the predicted limit: the highest concurrency the model has meeting the SLO.
        var limit = rows.Single(r => r[2] == "limit");
        var start = int.Parse(limit[6].Split(" from c")[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith("search c1…c256 from c", limit[6], StringComparison.Ordinal);
        Assert.Equal([true, false], PredictedVerdicts(path, start, start + 1));
        Assert.Contains($"box/qwen/limit: start: the predicted limit (c{start}, `gpubench predict`'s model); as predicted it would run c{start}, c{2 * start}, ", string.Join(" ", result.Lines()), StringComparison.Ordinal);

        Assert.Equal(["c10", "unknown", "unknown"], rows.Single(r => r[2] == "shared")[6..]);
        Assert.Contains("Predicted campaign: ", result.Output, StringComparison.Ordinal);
        Assert.Contains("not predicted, so not counted: box/qwen/shared (no prediction: the prefix_repetition dataset's lengths are known only on the box).",
            string.Join(" ", result.Lines()), StringComparison.Ordinal);
    }

    [Fact]
    public void The_campaigns_predicted_time_is_its_slowest_servers_and_its_cost_the_sum_of_its_runs()
    {
        var config = GpuBench.Core.Config.ConfigLoader.Parse(SweepConfig + """

              - name: other
                local: true
                gpu: { type: rtx4090, count: 1 }
                models: [qwen]
                workloads: [grid]
            """, "config.yml", Path.GetTempPath()).Config!;
        var predictor = new LoadPredictor(GpuBench.Core.Hardware.GpuCatalog.Default);
        var plan = new GpuBench.Core.Planning.RunPlanner(GpuBench.Core.Hardware.GpuCatalog.Default).Plan(config);
        var estimates = plan.Runs.Select(r => new RunEstimate(r, predictor.Plan(r, TestContext.Current.CancellationToken))).ToArray();

        var other = estimates.Where(e => e.Run.Server.Name == "other").Sum(e => e.Seconds!.Value);
        var text = CampaignEstimate.Describe(estimates);

        var box = estimates.Where(e => e.Run.Server.Name == "box" && e.Seconds is not null).Sum(e => e.Seconds!.Value);
        Assert.True(box > other, $"box {box} s, other {other} s");
        Assert.StartsWith($"Predicted campaign: {CampaignEstimate.Duration(box)} (servers side by side", text, StringComparison.Ordinal);
        Assert.Contains($"{CampaignEstimate.Dollars(estimates.Sum(e => e.Dollars ?? 0))} at the configured prices", text, StringComparison.Ordinal);
        Assert.All(estimates.Where(e => e.Seconds is not null), e => Assert.Equal((decimal)e.Seconds!.Value / 3600 * 0.39m, e.Dollars));
    }

    /// <summary>What `gpubench predict` says a line of its block is for the box/qwen workloads above at concurrency <paramref name="concurrency"/>.</summary>
    private static double Predicted(int concurrency, string label)
    {
        var predict = GpuBenchApp.Run("predict", "--gpu", "rtx4090", "--model", "QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ", "--random-input-len", "200",
            "--random-output-len", "100", "--num-prompts", "64", "--max-concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--max-model-len", "8192", "--kv-cache-dtype", "auto");
        Assert.Equal(0, predict.ExitCode);
        var line = predict.Lines().Single(l => l.StartsWith(label, StringComparison.Ordinal));
        return double.Parse(line[label.Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static double PredictedSeconds(int concurrency) => Predicted(concurrency, "Benchmark duration (s):");

    /// <summary>Whether the model has the limit workload meeting its SLO at each concurrency, run as a grid of them.</summary>
    private static bool?[] PredictedVerdicts(string path, params int[] concurrencies)
    {
        var config = GpuBench.Core.Config.ConfigLoader.Load(path).Config!;
        var run = new GpuBench.Core.Planning.RunPlanner(GpuBench.Core.Hardware.GpuCatalog.Default).Plan(config).Runs.Single(r => r.Workload.Name == "limit");
        var grid = run with { Workload = run.Workload with { Sweep = new GpuBench.Core.Config.SweepSpec { Kind = GpuBench.Core.Config.LoadKind.MaxConcurrency, Grid = [.. concurrencies.Select(c => (double)c)] } } };
        return [.. new LoadPredictor(GpuBench.Core.Hardware.GpuCatalog.Default).Plan(grid, TestContext.Current.CancellationToken).Points.Select(p => p.MeetsSlo)];
    }
}
