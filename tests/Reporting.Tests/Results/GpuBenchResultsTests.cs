using GpuBench.Core.Config;
using GpuBench.Core.Hardware;
using GpuBench.Core.Metrics;
using GpuBench.Core.Planning;
using GpuBench.Reporting.Pricing;
using GpuBench.Reporting.Results;
using GpuBench.Reporting.Runs;
using GpuBench.TestSupport;

namespace GpuBench.Reporting.Tests.Results;

/// <summary>GpuBench's own results folders: results/&lt;campaign&gt;/&lt;server&gt;/&lt;model&gt;/&lt;workload&gt;/.</summary>
public sealed class GpuBenchResultsTests : IDisposable
{
    private const string Config = """
        results_dir: results
        prices:
          rtx4090: 0.39
        workloads:
          - name: smoke
            input_len: 200
            output_len: 100
            num_prompts: 40
            max_concurrency: 8
        models:
          qwen3-coder-30b:
            id: QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ
            weights_gb: 17
        servers:
          - name: sim-rtx4090
            local: true
            gpu: { type: rtx4090, count: 2 }
            models: [qwen3-coder-30b]
            engine: { kind: sim }
        """;

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("gpubench-results-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task A_campaign_run_is_reported_with_its_planned_layout_marked_simulated_with_a_timeline()
    {
        var config = LoadConfig();
        var plan = new RunPlanner(GpuCatalog.Default).Plan(config);
        var planned = plan.Runs.Single();
        var records = TestCampaign.Requests(40, failures: 0);
        await TestCampaign.WriteRunAsync(Path.Combine(_root.FullName, "campaign-1", planned.RelativePath), records);

        var output = await GenerateAsync(plan);

        var row = output.Report.Rows.Single();
        Assert.Equal("QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ", row.Run.Model);
        Assert.Equal(planned.Layout, row.Run.Layout);
        Assert.Equal(("rtx4090", planned.Layout.TotalGpus), (row.Run.GpuType, row.Run.GpuCount));
        Assert.Equal(new RunWorkload("smoke", 200, 100, 40, 8), row.Run.Workload);
        Assert.True(row.Run.Simulated);
        Assert.Equal("simulated", row.Run.Status);
        Assert.Equal(0.39 * planned.Layout.TotalGpus / (row.Run.Metrics.TotalTokensPerS * 3600) * 1e6, row.UsdPerMtokTotal!.Value, 9);
        Assert.Contains(output.ChartPaths, p => p.EndsWith("-timeline.png", StringComparison.Ordinal));
        Assert.Empty(output.Notes);
        var markdown = await File.ReadAllTextAsync(output.MarkdownPath, TestContext.Current.CancellationToken);
        Assert.Contains("| ⚠ simulated |", markdown, StringComparison.Ordinal);
        Assert.Contains($"**Winner on throughput:** {row.Label} (⚠ simulated),", markdown, StringComparison.Ordinal);
        Assert.Contains("-timeline.png)", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multi_turn_run_gets_a_row_per_turn_with_its_growing_prompts()
    {
        var plan = new RunPlanner(GpuCatalog.Default).Plan(LoadConfig());
        // 20 conversations of two turns: the second turn's prompts carry the first turn (500 tokens) and a slower first token.
        var records = TestCampaign.Requests(40, failures: 0)
            .Select(r => r.Index % 2 == 0
                ? r with { Conversation = r.Index / 2, Turn = 0 }
                : r with { Conversation = r.Index / 2, Turn = 1, PromptTokens = 500, TtftS = 0.05, E2elS = 0.05 + 99 * 0.015 })
            .ToList();
        await TestCampaign.WriteRunAsync(Path.Combine(_root.FullName, "campaign-1", plan.Runs.Single().RelativePath), records);

        var output = await GenerateAsync(plan);

        var row = output.Report.Rows.Single();
        Assert.Equal([0, 1], row.Run.Turns!.Select(t => t.Turn));
        var markdown = await File.ReadAllTextAsync(output.MarkdownPath, TestContext.Current.CancellationToken);
        Assert.Contains("**Per turn:**", markdown, StringComparison.Ordinal);
        Assert.Contains($"| {row.Label} | smoke | 0 | 20/20 | 200 | 300 | 300 | 15.0 |", markdown, StringComparison.Ordinal);
        Assert.Contains($"| {row.Label} | smoke | 1 | 20/20 | 500 | 50.0 | 50.0 | 15.0 |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_requests_in_a_campaign_run_make_it_invalid()
    {
        var plan = new RunPlanner(GpuCatalog.Default).Plan(LoadConfig());
        await TestCampaign.WriteRunAsync(Path.Combine(_root.FullName, "campaign-1", plan.Runs.Single().RelativePath), TestCampaign.Requests(40, failures: 3));

        var output = await GenerateAsync(plan);

        Assert.Equal("simulated; invalid: 3 of 40 requests failed", output.Report.Rows.Single().Run.Status);
        Assert.Null(output.Report.Models.Single().ThroughputWinner);
    }

    [Fact]
    public async Task Without_config_the_folder_and_its_files_say_what_ran()
    {
        var folder = Path.Combine(_root.FullName, "campaign-1", "rtx4090_x_1", "qwen", "smoke");
        await TestCampaign.WriteRunAsync(folder, TestCampaign.Requests(10, failures: 0));
        var compose = await File.ReadAllTextAsync(
            GpuBench.TestSupport.Fixtures.PathOf("seed-results", "rtx4090_x_1_QuantTrio_Qwen3-Coder-30B-A3B-Instruct-AWQ_vllm_benchmark.txt"),
            TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "compose.yaml"), compose, TestContext.Current.CancellationToken);

        var output = await GenerateAsync(plan: null);

        var run = output.Report.Rows.Single().Run;
        Assert.Equal("QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ", run.Model);
        Assert.Equal(("rtx4090", 1, "1 × 1"), (run.GpuType, run.GpuCount, run.Layout.ToString()));
        Assert.Equal(new RunWorkload("smoke", 200, 100, 10, 8), run.Workload);
        Assert.False(run.Simulated);
    }

    [Fact]
    public async Task The_campaign_record_under_run_in_result_json_says_what_ran()
    {
        // result.json as GpuBench 0.1.0's campaign wrote it, before the record became one contract in Core.
        var folder = Path.Combine(_root.FullName, "campaign-1", "box-a", "qwen3-coder-30b", "smoke");
        await TestCampaign.WriteRunAsync(folder, TestCampaign.Requests(16, failures: 0));
        File.Copy(GpuBench.TestSupport.Fixtures.PathOf("run-records", "0.1.0", "result.json"), Path.Combine(folder, "result.json"), overwrite: true);

        var output = await GenerateAsync(plan: null);

        var run = output.Report.Rows.Single().Run;
        Assert.Equal("QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ", run.Model);
        Assert.Equal(("rtx4090", 4, "2 × pp2", "2,3"), (run.GpuType, run.GpuCount, run.Layout.ToString(), run.Layout.Placements[1].DeviceList));
        Assert.Equal("NVIDIA GeForce RTX 4090", run.Hardware.GpuName);
        Assert.True(run.Simulated);
    }

    [Fact]
    public async Task A_run_record_missing_what_every_record_carries_is_skipped_naming_the_field()
    {
        var folder = Path.Combine(_root.FullName, "campaign-1", "box-a", "qwen3-coder-30b", "smoke");
        await TestCampaign.WriteRunAsync(folder, TestCampaign.Requests(16, failures: 0));
        var result = System.Text.Json.Nodes.JsonNode.Parse(
            await File.ReadAllTextAsync(GpuBench.TestSupport.Fixtures.PathOf("run-records", "0.1.0", "result.json"), TestContext.Current.CancellationToken))!;
        result["run"]!.AsObject().Remove("started_at");
        await File.WriteAllTextAsync(Path.Combine(folder, "result.json"), result.ToJsonString(), TestContext.Current.CancellationToken);

        var loaded = await ResultsLoader.LoadAsync(_root.FullName, plan: null, TestContext.Current.CancellationToken);

        Assert.Empty(loaded.Runs);
        var skipped = Assert.Single(loaded.Skipped);
        Assert.Equal(Path.Combine("campaign-1", "box-a", "qwen3-coder-30b", "smoke", "result.json"), skipped.Path);
        Assert.Contains("started_at", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_config_slice_kept_in_the_folder_stands_in_for_the_campaign_config()
    {
        var plan = new RunPlanner(GpuCatalog.Default).Plan(LoadConfig());
        var folder = Path.Combine(_root.FullName, "campaign-1", plan.Runs.Single().RelativePath);
        await TestCampaign.WriteRunAsync(folder, TestCampaign.Requests(40, failures: 0));
        await File.WriteAllTextAsync(Path.Combine(folder, "config.yml"), Config, TestContext.Current.CancellationToken);

        var output = await GenerateAsync(plan: null);

        var run = output.Report.Rows.Single().Run;
        Assert.Equal("QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ", run.Model);
        // Planned again from the slice: an equal layout, not the same instance.
        Assert.Equal(plan.Runs.Single().Layout.ToString(), run.Layout.ToString());
        Assert.Equal(plan.Runs.Single().Layout.Placements.Select(p => p.DeviceList), run.Layout.Placements.Select(p => p.DeviceList));
        Assert.Equal(new RunWorkload("smoke", 200, 100, 40, 8), run.Workload);
        Assert.True(run.Simulated);
    }

    [Fact]
    public async Task A_campaign_folder_of_format_1_reports_what_its_records_say_ran()
    {
        var output = await ReportGenerator.GenerateAsync(
            new ReportRequest(Fixtures.PathOf("run-folders", "format-1", "fixture"), Path.Combine(AppContext.BaseDirectory, "artifacts", "format-1"), new PriceTable([new("rtx4090", 0.39)])),
            TestContext.Current.CancellationToken);

        // The failed run (failure.json, no figures) has nothing to report and is not an unreadable file either.
        Assert.Empty(output.Skipped);
        var run = output.Report.Rows.Single().Run;
        Assert.Equal(("QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ", "sim-4090", "rtx4090", 2, "2 × 1"), (run.Model, run.Server, run.GpuType, run.GpuCount, run.Layout.ToString()));
        Assert.Equal(new RunWorkload("tiny", 16, 8, 8, 4), run.Workload);
        Assert.Equal(8, run.Metrics.Completed);
        Assert.True(run.Simulated);
        Assert.NotNull(run.RequestsPath);
        Assert.Equal("NVIDIA GeForce RTX 4090", run.Hardware.GpuName);
    }

    [Fact]
    public async Task A_recorded_run_is_reported_as_recorded_whatever_the_plan_of_the_config_given()
    {
        var folder = Path.Combine(_root.FullName, "campaign-1", "box-a", "qwen3-coder-30b", "smoke");
        await TestCampaign.WriteRunAsync(folder, TestCampaign.Requests(16, failures: 0));
        File.Copy(Fixtures.PathOf("run-records", "0.1.0", "result.json"), Path.Combine(folder, "result.json"), overwrite: true);
        var today = LoadConfig() with { Servers = [LoadConfig().Servers[0] with { Name = "box-a" }] };
        var plan = new RunPlanner(GpuCatalog.Default).Plan(today with { Models = [today.Models[0] with { Name = "qwen3-coder-30b" }] });
        Assert.Equal("box-a/qwen3-coder-30b/smoke", plan.Runs.Single().RelativePath);
        Assert.NotEqual("2 × pp2", plan.Runs.Single().Layout.ToString());

        var output = await GenerateAsync(plan);

        Assert.Equal(("2 × pp2", 4), (output.Report.Rows.Single().Run.Layout.ToString(), output.Report.Rows.Single().Run.GpuCount));
    }

    [Fact]
    public async Task A_recorded_run_is_priced_as_it_recorded_unless_the_price_is_overridden()
    {
        var folder = Path.Combine(_root.FullName, "campaign-1", "box-a", "qwen3-coder-30b", "smoke");
        await TestCampaign.WriteRunAsync(folder, TestCampaign.Requests(16, failures: 0));
        File.Copy(Fixtures.PathOf("run-records", "0.1.0", "result.json"), Path.Combine(folder, "result.json"), overwrite: true);
        var today = new PriceTable([new("rtx4090", 0.50)]);

        var recorded = await ReportGenerator.GenerateAsync(new ReportRequest(_root.FullName, Path.Combine(AppContext.BaseDirectory, "artifacts", "priced-as-recorded"), today), TestContext.Current.CancellationToken);
        var overridden = await ReportGenerator.GenerateAsync(
            new ReportRequest(_root.FullName, Path.Combine(AppContext.BaseDirectory, "artifacts", "priced-as-overridden"), today) { PriceOverrides = new PriceTable([new("rtx4090", 0.60)]) },
            TestContext.Current.CancellationToken);

        Assert.Equal(0.39, recorded.Report.Rows.Single().UsdPerGpuHour);
        Assert.Equal(0.60, overridden.Report.Rows.Single().UsdPerGpuHour);
    }

    [Fact]
    public void Timeline_counts_tokens_in_the_second_they_arrived()
    {
        RequestRecord[] requests =
        [
            new() { StartS = 0, TtftS = 0.5, ItlS = [0.4, 0.4], OutputTokens = 3, Success = true },
            new() { StartS = 1, TtftS = 0.2, ItlS = [1.0], ChunkTokens = [1, 4], OutputTokens = 5, Success = true },
            new() { StartS = 0, TtftS = 0.1, OutputTokens = 0, Success = false },
        ];

        Assert.Equal([2, 2, 4], RequestTimeline.TokensPerSecond(requests));
    }

    /// <summary>Reports on the temporary results; the report itself is kept under the test output for a look.</summary>
    private Task<ReportOutput> GenerateAsync(RunPlan? plan, [System.Runtime.CompilerServices.CallerMemberName] string test = "") =>
        ReportGenerator.GenerateAsync(
            new ReportRequest(_root.FullName, Path.Combine(AppContext.BaseDirectory, "artifacts", test), new PriceTable([new("rtx4090", 0.39)])) { Plan = plan },
            TestContext.Current.CancellationToken);

    private BenchConfig LoadConfig()
    {
        var loaded = ConfigLoader.Parse(Config, "config.yml", _root.FullName);
        Assert.True(loaded.IsValid, string.Join('\n', loaded.Errors));
        return loaded.Config!;
    }
}
