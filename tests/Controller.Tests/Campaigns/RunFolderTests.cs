using System.Text.Json;
using GpuBench.Controller.Campaigns;
using GpuBench.Core.Config;
using GpuBench.Core.Hardware;
using GpuBench.Core.Metrics;
using GpuBench.Core.Planning;
using GpuBench.Core.Results;

namespace GpuBench.Controller.Tests.Campaigns;

public sealed class RunFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gpubench-runfolder-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_failure_is_not_complete_and_a_later_result_replaces_it_whole()
    {
        var (config, run) = Plan();
        var folder = RunFolder.For(_root, run);
        var record = RunRecord.Planned("c", run, DateTimeOffset.UnixEpoch);
        await folder.WriteAsync(new RunArtifacts
        {
            Record = record with { State = RunRecord.Failed, Reason = "engine did not start: out of memory" },
            EngineLogTail = "CUDA out of memory",
            ConfigSlice = RunFolder.ConfigSlice(config, run),
        }, Ct);

        Assert.False(folder.IsComplete);
        Assert.Equal(["config.yml", "engine.log", "failure.json"], TestCampaigns.Files(folder.Path));

        var metrics = MetricsCalculator.Compute(
            [new RequestRecord { Index = 0, StartS = 0, TtftS = 0.1, E2elS = 0.2, PromptTokens = 16, OutputTokens = 8, Success = true }], 1, new MetricsOptions());
        using var benchmark = JsonDocument.Parse(ResultJson.Serialize(metrics));
        await folder.WriteAsync(new RunArtifacts
        {
            Record = record with { State = RunRecord.Succeeded },
            Benchmark = benchmark.RootElement.Clone(),
            BenchmarkText = BenchmarkTextBlock.Format(metrics),
            CommandText = "vllm serve model",
            ConfigSlice = RunFolder.ConfigSlice(config, run),
        }, Ct);

        Assert.True(folder.IsComplete);
        Assert.Equal(["benchmark.txt", "command.txt", "config.yml", "result.json"], TestCampaigns.Files(folder.Path));

        // vLLM's fields at the top, as vLLM's tools and the report read them; ours under "run".
        var text = await File.ReadAllTextAsync(Path.Combine(folder.Path, "result.json"), Ct);
        Assert.Equal(1, ResultJson.Deserialize(text).Completed);
        using var json = JsonDocument.Parse(text);
        Assert.Equal("1 × 1", json.RootElement.GetProperty("run").GetProperty("layout").GetString());
        Assert.Equal("Process", json.RootElement.GetProperty("run").GetProperty("runtime").GetString());

        // Nothing of the staging folders is left beside it.
        Assert.Equal(["tiny1"], Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(folder.Path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Config_slice_reads_back_as_a_config_of_just_that_run()
    {
        var (config, run) = Plan();

        var slice = ConfigLoader.Parse(RunFolder.ConfigSlice(config, run), "config.yml", _root);

        Assert.True(slice.IsValid, string.Join('\n', slice.Errors));
        var only = Assert.Single(new RunPlanner(GpuCatalog.Default).Plan(slice.Config!).Runs);
        Assert.Equal((run.RelativePath, run.Layout.ToString(), run.Engine.Env["K"]), (only.RelativePath, only.Layout.ToString(), only.Engine.Env["K"]));
    }

    [Fact]
    public void Config_slice_keeps_the_engine_command_the_run_started_with_and_no_other()
    {
        var loaded = ConfigLoader.Parse($$"""
            results_dir: results
            prices: { rtx4090: 0.39 }
            engine: { command: [/opt/vllm/.venv/bin/vllm, serve] }
            workloads:
            {{TestCampaigns.Workloads(1)}}
            models:
              qwen: { id: {{TestCampaigns.Model}}, weights_gb: 17, engine: { command: [/srv/qwen-vllm, serve] } }
              other: { id: other/model, weights_gb: 17 }
            servers:
              - name: venv-box
                local: true
                runtime: process
                gpu: { type: rtx4090, count: 1 }
                models: [qwen, other]
              - name: sim-box
                local: true
                gpu: { type: rtx4090, count: 1 }
                models: [qwen]
                engine: { kind: sim }
            """, "config.yml", _root);
        Assert.True(loaded.IsValid, string.Join('\n', loaded.Errors));
        var runs = new RunPlanner(GpuCatalog.Default).Plan(loaded.Config!).Runs;

        string? ProgramInSlice(string server, string model)
        {
            var run = runs.Single(r => r.Server.Name == server && r.Model.Name == model);
            var slice = ConfigLoader.Parse(RunFolder.ConfigSlice(loaded.Config!, run), "config.yml", _root);
            Assert.Empty(slice.Diagnostics);
            var config = slice.Config!;
            return config.EngineFor(config.Servers[0], config.Models[0]).Command?[0];
        }

        Assert.Equal(
            ("/srv/qwen-vllm", "/opt/vllm/.venv/bin/vllm", (string?)null),
            (ProgramInSlice("venv-box", "qwen"), ProgramInSlice("venv-box", "other"), ProgramInSlice("sim-box", "qwen")));
    }

    private (BenchConfig Config, PlannedRun Run) Plan()
    {
        var loaded = ConfigLoader.Parse($$"""
            results_dir: results
            prices: { rtx4090: 0.39, h100: 2.5 }
            engine: { kind: sim, env: { K: "$(x) 'y'" } }
            workloads:
            {{TestCampaigns.Workloads(2)}}
            models:
              qwen: { id: {{TestCampaigns.Model}}, weights_gb: 17 }
              other: { id: other/model, weights_gb: 17 }
            servers:
              - name: sim-4090
                local: true
                gpu: { type: rtx4090, count: 1 }
                models: [qwen, other]
            """, "config.yml", _root);
        Assert.True(loaded.IsValid, string.Join('\n', loaded.Errors));
        return (loaded.Config!, new RunPlanner(GpuCatalog.Default).Plan(loaded.Config!).Runs[0]);
    }
}
