using System.Text.Json;
using GpuBench.Controller.Campaigns;
using GpuBench.Controller.Commands;
using GpuBench.Controller.Tests.Commands;
using GpuBench.Core.Results;
using Microsoft.Extensions.DependencyInjection;

namespace GpuBench.Controller.Tests.Campaigns;

/// <summary>Campaigns over a locally started agent (a child process) with the simulator as engine.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CampaignRunnerTests(SharedTestBundle bundle) : IDisposable
{
    private readonly string _bundle = bundle.Path;
    private readonly TemporaryFolders _folders = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folders.Dispose();

    [Fact]
    public void Bench_runs_a_simulated_campaign_writes_complete_run_folders_and_the_report_and_a_rerun_skips_them()
    {
        var hfVariable = $"GPUBENCH_TEST_HF_{Guid.NewGuid():N}";
        const string hfToken = "hf_campaignSECRET_7d1e42";
        Environment.SetEnvironmentVariable(hfVariable, hfToken);
        var config = Config($"""
            secrets:
              hf_token_env: {hfVariable}
            """);

        var first = GpuBenchApp.Run("bench", "-c", config, "--bundle", _bundle, "--campaign", "smoke");

        Assert.True(first.ExitCode == 0, first.Output);
        var campaign = Path.Combine(Path.GetDirectoryName(config)!, "results", "smoke");
        foreach (var workload in new[] { "tiny1", "tiny2" })
        {
            var folder = Path.Combine(campaign, "sim-4090", "qwen", workload);
            Assert.Equal(
                ["benchmark.txt", "command.txt", "config.yml", "engine.log", "requests.jsonl", "result.json", "system-info.txt"],
                TestCampaigns.Files(folder));
            using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "result.json")));
            var root = result.RootElement;
            Assert.Equal(8, root.GetProperty("completed").GetInt32());
            Assert.True(root.GetProperty("output_throughput").GetDouble() > 0);
            var run = root.GetProperty("run");
            Assert.Equal(("smoke", "sim-4090", "qwen", workload), (run.GetProperty("campaign").GetString(), run.GetProperty("server").GetString(), run.GetProperty("model").GetString(), run.GetProperty("workload").GetString()));
            Assert.Equal("1 × 1", run.GetProperty("layout").GetString());
            Assert.True(run.GetProperty("simulated").GetBoolean());
            Assert.Equal("succeeded", run.GetProperty("state").GetString());
            Assert.Equal(0.39m, run.GetProperty("price_per_gpu_hour").GetDecimal());
            Assert.False(string.IsNullOrEmpty(run.GetProperty("gpu_bench_version").GetString()));
            Assert.Equal(8, File.ReadAllLines(Path.Combine(folder, "requests.jsonl")).Length);
            Assert.Contains("Serving Benchmark Result", File.ReadAllText(Path.Combine(folder, "benchmark.txt")), StringComparison.Ordinal);
            Assert.Contains("=== GPU INFORMATION ===", File.ReadAllText(Path.Combine(folder, "system-info.txt")), StringComparison.Ordinal);
            var slice = CampaignHarness.Load(Path.Combine(folder, "config.yml"));
            Assert.Equal(workload, Assert.Single(slice.Workloads).Name);
            Assert.Equal("qwen", Assert.Single(slice.Models).Name);
            Assert.Equal(["sim-4090"], slice.Servers.Select(s => s.Name));
        }

        Assert.True(File.Exists(Path.Combine(campaign, "report", "report.md")), first.Output);
        Assert.Contains("completed", first.Output, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(campaign, "report", "report.md"), first.Output.ReplaceLineEndings(""), StringComparison.Ordinal);

        // The secret reached the engine only: nowhere in the results.
        Assert.All(Directory.EnumerateFiles(campaign, "*", SearchOption.AllDirectories),
            f => Assert.DoesNotContain(hfToken, File.ReadAllText(f), StringComparison.Ordinal));

        var written = File.GetLastWriteTimeUtc(Path.Combine(campaign, "sim-4090", "qwen", "tiny1", "result.json"));
        var second = GpuBenchApp.Run("bench", "-c", config, "--bundle", _bundle, "--campaign", "smoke");
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("0 completed, 2 skipped (already complete), 0 failed.", second.Output, StringComparison.Ordinal);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(campaign, "sim-4090", "qwen", "tiny1", "result.json")));
    }

    [Fact]
    public async Task An_interrupted_campaign_resumes_without_redoing_finished_runs()
    {
        var config = CampaignHarness.Load(Config(workloads: 3));
        using var harness = new CampaignHarness();
        var settings = new CampaignSettings { Name = "resume", Reach = new AgentReach { LocalTools = Tools } };

        // The controller dies right after the first run is complete.
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var interrupted = new RecordingObserver(onOutcome: o =>
        {
            if (o.Kind == RunOutcomeKind.Completed)
            {
                kill.Cancel();
            }
        });
        var stopped = await Record.ExceptionAsync(() => harness.RunAsync(config, settings, interrupted, kill.Token));
        Assert.True(stopped is OperationCanceledException, $"expected the campaign to stop; it ended with {stopped?.ToString() ?? "no exception"} and outcomes: {string.Join("; ", interrupted.Outcomes)}");
        var done = Assert.Single(interrupted.Outcomes);
        var campaign = Path.Combine(config.ResultsDir, "resume");
        var firstResult = Path.Combine(campaign, done.RelativePath, "result.json");
        var firstWritten = File.GetLastWriteTimeUtc(firstResult);
        Assert.Single(Directory.EnumerateFiles(campaign, "result.json", SearchOption.AllDirectories));

        var resumed = new RecordingObserver();
        var result = await harness.RunAsync(config, settings, resumed, Ct);

        Assert.Equal(
            [(done.RelativePath, RunOutcomeKind.Skipped)],
            result.Outcomes.Where(o => o.Kind != RunOutcomeKind.Completed).Select(o => (o.RelativePath, o.Kind)));
        Assert.Equal(2, result.Outcomes.Count(o => o.Kind == RunOutcomeKind.Completed));
        Assert.Equal(firstWritten, File.GetLastWriteTimeUtc(firstResult));
        Assert.Equal(3, Directory.EnumerateFiles(campaign, "result.json", SearchOption.AllDirectories).Count());

        // A result removed by hand is the only run the next bench does.
        Directory.Delete(Path.Combine(campaign, "sim-4090", "qwen", "tiny2"), recursive: true);
        var again = await harness.RunAsync(config, settings, new RecordingObserver(), Ct);
        Assert.Equal(["sim-4090/qwen/tiny2"], again.Outcomes.Where(o => o.Kind == RunOutcomeKind.Completed).Select(o => o.RelativePath));
    }

    [Fact]
    public async Task A_call_cut_by_the_interrupt_that_cancels_the_campaign_ends_it_as_cancelled_not_failed()
    {
        var config = CampaignHarness.Load(Config(workloads: 1));
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var harness = new CampaignHarness(services => services
            .AddHttpClient(AgentClientFactory.ProgressClientName).AddHttpMessageHandler(() => new InterruptingFeedHandler(interrupt)));
        var settings = new CampaignSettings { Name = "cut", Reach = new AgentReach { LocalTools = Tools } };

        var stopped = await Record.ExceptionAsync(() => harness.RunAsync(config, settings, new RecordingObserver(), interrupt.Token));

        Assert.True(stopped is OperationCanceledException, $"expected the campaign to stop as cancelled; it ended with {stopped?.ToString() ?? "no exception"}");
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(config.ResultsDir, "cut"), RunFolder.FailureFile, SearchOption.AllDirectories));
    }

    [Fact]
    public void Failed_runs_are_recorded_with_their_reason_while_the_others_complete()
    {
        var config = Config(models: """
              qwen:
                id: QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ
                weights_gb: 17
              broken:
                id: QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ
                weights_gb: 17
                engine:
                  extra_args: ["--max-num-seqs", "plenty"]
              huge:
                id: example/huge-model
                weights_gb: 500
            """, serverModels: "[broken, huge, qwen]", workloads: 1);

        var bench = GpuBenchApp.Run("bench", "-c", config, "--bundle", _bundle);

        Assert.True(bench.ExitCode == BenchCommand.RunsFailedExitCode, bench.Output);
        var campaign = Path.Combine(Path.GetDirectoryName(config)!, "results", BenchCommand.DefaultCampaign);
        Assert.True(File.Exists(Path.Combine(campaign, "sim-4090", "qwen", "tiny1", "result.json")), bench.Output);

        var broken = Path.Combine(campaign, "sim-4090", "broken", "tiny1");
        Assert.False(File.Exists(Path.Combine(broken, "result.json")));
        var reason = Reason(broken);
        Assert.StartsWith("engine did not start:", reason, StringComparison.Ordinal);
        Assert.Contains("vllm serve: error: argument --max-num-seqs: invalid int value: 'plenty'", reason, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(broken, "config.yml")));

        Assert.StartsWith("not planned: does not fit", Reason(Path.Combine(campaign, "sim-4090", "huge", "tiny1")), StringComparison.Ordinal);
        Assert.Contains("2 failed.", bench.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ssh_server_without_a_bundle_fails_with_what_to_do()
    {
        var path = TestCampaigns.Write($$"""
            results_dir: results
            engine: { kind: sim }
            workloads:
            {{TestCampaigns.Workloads(1)}}
            models:
              qwen: { id: {{TestCampaigns.Model}}, weights_gb: 17 }
            servers:
              - name: far-box
                ssh: { host: 127.0.0.1, user: nobody, key: id_test }
                gpu: { type: rtx4090, count: 1 }
                models: [qwen]
            """);
        _folders.KeepFolderOf(path);
        await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(path)!, "id_test"), "not needed: no bundle, no connection", Ct);
        var config = CampaignHarness.Load(path);
        using var harness = new CampaignHarness();

        var result = await harness.RunAsync(config, new CampaignSettings { Name = "c" }, new RecordingObserver(), Ct);

        var outcome = Assert.Single(result.Outcomes);
        Assert.Equal(RunOutcomeKind.Failed, outcome.Kind);
        Assert.Contains("--bundle DIR", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("--bundle DIR", Reason(Path.Combine(config.ResultsDir, "c", "far-box", "qwen", "tiny1")), StringComparison.Ordinal);
    }

    private AgentTools Tools => AgentTools.InBundle(_bundle);

    private static string Reason(string folder)
    {
        using var failure = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, RunFolder.FailureFile)));
        Assert.Equal("failed", failure.RootElement.GetProperty("state").GetString());
        return failure.RootElement.GetProperty("reason").GetString()!;
    }

    private static readonly string DefaultModels = $"  qwen: {{ id: {TestCampaigns.Model}, weights_gb: 17 }}";

    private string Config(string extra = "", int workloads = 2, string? models = null, string serverModels = "[qwen]") =>
        _folders.KeepFolderOf(TestCampaigns.WriteSimulated(TestCampaigns.Workloads(workloads), models ?? DefaultModels, serverModels, extra: extra));
}
