using System.Diagnostics;
using System.Text.Json;
using GpuBench.Controller.Campaigns;
using GpuBench.Controller.Commands;
using GpuBench.Controller.Tests.Commands;
using GpuBench.Core.Results;
using GpuBench.TestSupport;

namespace GpuBench.Controller.Tests.Campaigns;

/// <summary>The campaign's results folder under real faults: a changed config, an unwritable disk, a second controller.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ResultsFolderTests(SharedTestBundle bundle) : IDisposable
{
    private readonly TemporaryFolders _folders = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folders.Dispose();

    [Fact]
    public void A_report_after_config_yml_changed_describes_what_ran_not_what_the_config_plans_today()
    {
        var config = Config(serverModels: "[qwen]", gpus: 2);
        var bench = GpuBenchApp.Run("bench", "-c", config, "--bundle", bundle.Path, "--campaign", "c");
        Assert.True(bench.ExitCode == 0, bench.Output);
        var campaign = Path.Combine(Path.GetDirectoryName(config)!, "results", "c");
        var before = Report(config, campaign, "before");

        // Heavier weights: today's plan of the same config is one replica over both GPUs.
        File.WriteAllText(config, File.ReadAllText(config).Replace("weights_gb: 17", "weights_gb: 30", StringComparison.Ordinal));
        Assert.Contains("1 × pp2", GpuBenchApp.Run("plan", "-c", config).Output, StringComparison.Ordinal);
        var after = Report(config, campaign, "after");

        var row = Assert.Single(after, l => l.StartsWith(TestCampaigns.Model + ",", StringComparison.Ordinal));
        Assert.StartsWith($"{TestCampaigns.Model},rtx4090,2,2,1,1,16,8,4,8,", row, StringComparison.Ordinal);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_run_folder_nobody_may_write_fails_that_run_naming_the_folder_and_the_campaign_goes_on()
    {
        var config = CampaignHarness.Load(Config(serverModels: "[qwen, other]"));
        var campaign = Path.Combine(config.ResultsDir, "c");
        var unwritable = Directory.CreateDirectory(Path.Combine(campaign, "sim-4090", "qwen")).FullName;
        using var harness = new CampaignHarness();

        CampaignResult result;
        using (ImmutableFolder.Make(unwritable))
        {
            result = await harness.RunAsync(config, Settings(), new RecordingObserver(), Ct);
        }

        var failed = Assert.Single(result.Outcomes, o => o.Kind == RunOutcomeKind.Failed);
        Assert.Equal("sim-4090/qwen/tiny1", failed.RelativePath);
        Assert.Contains($"could not write the results folder {Path.Combine(unwritable, "tiny1")}", failed.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("agent lost", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(["sim-4090/other/tiny1"], result.Outcomes.Where(o => o.Kind == RunOutcomeKind.Completed).Select(o => o.RelativePath));
        Assert.True(File.Exists(Path.Combine(campaign, "sim-4090", "other", "tiny1", RunFolder.ResultFile)));
    }

    [Fact]
    public async Task A_file_where_a_run_folder_goes_is_a_local_error_and_no_later_run_is_taken_for_agent_lost()
    {
        var config = CampaignHarness.Load(Config(serverModels: "[qwen, other]"));
        var campaign = Path.Combine(config.ResultsDir, "c");
        Directory.CreateDirectory(Path.Combine(campaign, "sim-4090"));
        var blocked = Path.Combine(campaign, "sim-4090", "qwen");
        await File.WriteAllTextAsync(blocked, "a file where the model's folder goes", Ct);
        using var harness = new CampaignHarness();

        var result = await harness.RunAsync(config, Settings(), new RecordingObserver(), Ct);

        var failed = Assert.Single(result.Outcomes, o => o.Kind == RunOutcomeKind.Failed);
        Assert.Contains($"could not write the results folder {Path.Combine(blocked, "tiny1")}", failed.Reason, StringComparison.Ordinal);
        Assert.All(result.Outcomes, o => Assert.DoesNotContain("agent lost", o.Reason ?? "", StringComparison.Ordinal));
        Assert.Equal(["sim-4090/other/tiny1"], result.Outcomes.Where(o => o.Kind == RunOutcomeKind.Completed).Select(o => o.RelativePath));
    }

    [Fact]
    public async Task A_second_controller_on_the_same_results_folder_is_refused_naming_the_first_which_finishes_untouched()
    {
        var config = Config(serverModels: "[qwen]", prompts: 24, requestRate: "3");
        string[] bench = ["bench", "-c", config, "--bundle", bundle.Path, "--campaign", "c"];
        var holder = Path.Combine(Path.GetDirectoryName(config)!, "results", "c", CampaignLock.HolderFile);
        using var first = Gpubench(bench);
        try
        {
            while (!File.Exists(holder) || !(await File.ReadAllTextAsync(holder, Ct)).Contains($"pid {first.Id} ", StringComparison.Ordinal))
            {
                Assert.False(first.HasExited, "the first controller ended before it held the campaign folder");
                await Task.Delay(100, Ct);
            }

            using var second = Gpubench(bench);
            var refused = await second.StandardOutput.ReadToEndAsync(Ct) + await second.StandardError.ReadToEndAsync(Ct);
            await second.WaitForExitAsync(Ct);

            Assert.True(second.ExitCode == BenchCommand.CampaignFolderExitCode, refused);
            Assert.Contains($"pid {first.Id} on host {Environment.MachineName}", refused.ReplaceLineEndings(""), StringComparison.Ordinal);
            Assert.False(first.HasExited, "the first controller had already finished: the second was not refused while it ran");

            var output = await first.StandardOutput.ReadToEndAsync(Ct);
            await first.WaitForExitAsync(Ct);
            Assert.True(first.ExitCode == 0, output);
            using var result = JsonDocument.Parse(await File.ReadAllTextAsync(
                Path.Combine(Path.GetDirectoryName(holder)!, "sim-4090", "qwen", "tiny1", RunFolder.ResultFile), Ct));
            Assert.Equal(24, result.RootElement.GetProperty("completed").GetInt32());
        }
        finally
        {
            if (!first.HasExited)
            {
                first.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>`gpubench` as its own process, the way two people would start it.</summary>
    private static Process Gpubench(string[] args)
    {
        var start = new ProcessStartInfo(BuiltProjects.DotNet) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(BuiltProjects.Dll("Controller", "gpubench"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    private CampaignSettings Settings() => new() { Name = "c", Reach = new AgentReach { LocalTools = AgentTools.InBundle(bundle.Path) } };

    private static string[] Report(string config, string campaign, string name)
    {
        var output = Path.Combine(Path.GetDirectoryName(config)!, name);
        var report = GpuBenchApp.Run("report", "-c", config, "--results", campaign, "--out", output);
        Assert.True(report.ExitCode == 0, report.Output);
        return File.ReadAllLines(Path.Combine(output, "summary.csv"));
    }

    private string Config(string serverModels, int gpus = 1, int prompts = 8, string requestRate = "inf") =>
        _folders.KeepFolderOf(TestCampaigns.WriteSimulated(
            TestCampaigns.Workloads(1, prompts: prompts, requestRate: requestRate),
            $"  qwen: {{ id: {TestCampaigns.Model}, weights_gb: 17 }}\n  other: {{ id: {TestCampaigns.Model}, weights_gb: 17 }}",
            serverModels,
            gpus));
}
