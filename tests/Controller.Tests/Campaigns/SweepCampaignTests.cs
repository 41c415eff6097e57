using System.Text.Json;
using GpuBench.Controller.Campaigns;
using GpuBench.Controller.Tests.Commands;
using GpuBench.Core.Results;

namespace GpuBench.Controller.Tests.Campaigns;

/// <summary>Sweeps over a locally started agent with the simulator as engine: point folders, one deployment, sweep.json, resume.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SweepCampaignTests(SharedTestBundle bundle) : IDisposable
{
    private readonly string _bundle = bundle.Path;
    private readonly TemporaryFolders _folders = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folders.Dispose();

    private static readonly string[] GridFolders = ["c1/repeat-1", "c1/repeat-2", "c4/repeat-1", "c4/repeat-2"];

    [Fact]
    public async Task A_grid_runs_every_point_and_repeat_on_one_deployment_into_point_folders_and_resumes_per_point()
    {
        var config = CampaignHarness.Load(Config("""
                slo: { ttft_ms: 600000 }
                sweep: { max_concurrency: [1, 4] }
                repeats: 2
            """));
        using var harness = new CampaignHarness();
        var settings = new CampaignSettings { Name = "grid", Reach = new AgentReach { LocalTools = AgentTools.InBundle(_bundle) } };

        var first = await harness.RunAsync(config, settings, new RecordingObserver(), Ct);

        var workload = Path.Combine(config.ResultsDir, "grid", "sim-4090", "qwen", "tiny");
        Assert.Equal(GridFolders.Select(f => ("sim-4090/qwen/tiny/" + f, RunOutcomeKind.Completed)), first.Outcomes.Select(o => (o.RelativePath, o.Kind)));
        var deployments = new HashSet<string>();
        foreach (var folder in GridFolders)
        {
            using var result = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(workload, folder, RunFolder.ResultFile), Ct));
            var root = result.RootElement;
            var run = root.GetProperty("run");
            var (point, repeat) = (folder[..2], int.Parse(folder[^1..], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal((point, repeat), (run.GetProperty("sweep_point").GetString(), run.GetProperty("repeat").GetInt32()));
            Assert.Equal(int.Parse(point[1..], System.Globalization.CultureInfo.InvariantCulture), root.GetProperty("max_concurrency").GetInt32());
            Assert.Equal(1, root.GetProperty("slo_attainment").GetDouble());
            Assert.True(root.GetProperty("goodput_req_s").GetDouble() > 0);
            deployments.Add(run.GetProperty("deployment_id").GetString()!);
            var slice = CampaignHarness.Load(Path.Combine(workload, folder, RunFolder.ConfigSliceFile)).Workloads.Single();
            Assert.Equal((int.Parse(point[1..], System.Globalization.CultureInfo.InvariantCulture), null, 1), (slice.MaxConcurrency!.Value, slice.Sweep, slice.NumWarmups));
        }

        Assert.Single(deployments);
        var sweep = await SweepRecord.ReadAsync(Path.Combine(workload, SweepRecord.File), Ct);
        Assert.Equal(["c1", "c4"], sweep.Points.Select(p => p.Point));
        Assert.All(sweep.Points, p => Assert.Equal((2, true, 1.0, (string?)null), (p.Repeats, p.MeetsSlo!.Value, p.Attainment!.Value, p.Why)));
        Assert.Equal((4.0, "grid complete", false), (sweep.MaxLoad!.Value, sweep.StopReason, sweep.Search));

        // One point's repeat lost: the next bench runs that one only, and the others stay as they were.
        var kept = File.GetLastWriteTimeUtc(Path.Combine(workload, "c1", "repeat-1", RunFolder.ResultFile));
        Directory.Delete(Path.Combine(workload, "c4", "repeat-2"), recursive: true);
        var resumed = await harness.RunAsync(config, settings, new RecordingObserver(), Ct);
        Assert.Equal(["sim-4090/qwen/tiny/c4/repeat-2"], resumed.Outcomes.Where(o => o.Kind == RunOutcomeKind.Completed).Select(o => o.RelativePath));
        Assert.Equal(3, resumed.Outcomes.Count(o => o.Kind == RunOutcomeKind.Skipped));
        Assert.Equal(kept, File.GetLastWriteTimeUtc(Path.Combine(workload, "c1", "repeat-1", RunFolder.ResultFile)));

        var complete = await harness.RunAsync(config, settings, new RecordingObserver(), Ct);
        Assert.Equal(("sim-4090/qwen/tiny", RunOutcomeKind.Skipped), (Assert.Single(complete.Outcomes).RelativePath, complete.Outcomes[0].Kind));

        var forced = await harness.RunAsync(config, settings with { Force = true }, new RecordingObserver(), Ct);
        Assert.Equal(4, forced.Outcomes.Count(o => o.Kind == RunOutcomeKind.Completed));
        Assert.NotEqual(kept, File.GetLastWriteTimeUtc(Path.Combine(workload, "c1", "repeat-1", RunFolder.ResultFile)));
    }

    [Fact]
    public async Task A_search_on_the_simulator_records_every_point_why_and_why_it_stopped_and_the_report_names_the_points()
    {
        var config = Config("""
                slo: { tpot_ms: 40, attainment: 0.9 }
                sweep: { search: max_concurrency, min: 1, max: 32 }
            """);

        var bench = GpuBenchApp.Run("bench", "-c", config, "--bundle", _bundle, "--campaign", "search");

        Assert.True(bench.ExitCode == 0, bench.Output);
        var workload = Path.Combine(Path.GetDirectoryName(config)!, "results", "search", "sim-4090", "qwen", "tiny");
        var sweep = await SweepRecord.ReadAsync(Path.Combine(workload, SweepRecord.File), Ct);
        Assert.True(sweep.Search);
        Assert.InRange(sweep.Points.Count, 1, 8);
        Assert.NotNull(sweep.StopReason);
        Assert.StartsWith("start: the predict", sweep.Points[0].Why, StringComparison.Ordinal);
        Assert.All(sweep.Points.Skip(1), p => Assert.Matches("^(bracket up|bracket down|bisect): ", p.Why!));
        Assert.Equal(sweep.Points.Where(p => p.MeetsSlo == true).Select(p => (double?)p.Load).Max(), sweep.MaxLoad);
        var deployments = new HashSet<string>();
        foreach (var point in sweep.Points)
        {
            Assert.InRange(point.Load, 1, 32);
            using var result = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(workload, point.Point, RunFolder.ResultFile), Ct));
            var root = result.RootElement;
            Assert.Equal(point.Attainment!.Value, root.GetProperty("slo_attainment").GetDouble(), 1e-9);
            Assert.Equal(root.GetProperty("failed").GetInt32() == 0 && point.Attainment >= 0.9, point.MeetsSlo);
            deployments.Add(root.GetProperty("run").GetProperty("deployment_id").GetString()!);
        }

        Assert.Single(deployments);
        var summary = File.ReadAllLines(Path.Combine(Path.GetDirectoryName(workload)!, "..", "..", "report", "summary.csv"));
        var column = Array.IndexOf(summary[0].Split(','), "sweep_point");
        Assert.True(column >= 0, summary[0]);
        Assert.Equal(sweep.Points.Select(p => p.Point).Order(), summary.Skip(1).Select(l => l.Split(',')[column]).Order());
    }

    private string Config(string sweepKeys) => _folders.KeepFolderOf(TestCampaigns.WriteSimulated($"""
          - name: tiny
            input_len: 16
            output_len: 16
            num_prompts: 8
            seed: 1
        {sweepKeys}
        """, $"  qwen: {{ id: {TestCampaigns.Model}, weights_gb: 17 }}", "[qwen]"));
}
