using GpuBench.Core.Config;
using GpuBench.Core.Hardware;
using GpuBench.Core.Planning;
using GpuBench.Core.Results;

namespace GpuBench.Core.Tests.Results;

public sealed class RunConfigSliceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gpubench-slice-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Config_slice_reads_back_as_a_config_of_just_that_run()
    {
        var (config, run) = TestRuns.Plan(_root);

        var slice = ConfigLoader.Parse(RunConfigSlice.For(config, run), "config.yml", _root);

        Assert.True(slice.IsValid, string.Join('\n', slice.Errors));
        var only = Assert.Single(new RunPlanner(GpuCatalog.Default).Plan(slice.Config!).Runs);
        Assert.Equal((run.RelativePath, run.Layout.ToString(), run.Engine.Env["K"]), (only.RelativePath, only.Layout.ToString(), only.Engine.Env["K"]));
    }

    [Fact]
    public void Config_slice_keeps_the_engine_command_the_run_started_with_and_no_other()
    {
        var config = TestRuns.Load($$"""
            results_dir: results
            prices: { rtx4090: 0.39 }
            engine: { command: [/opt/vllm/.venv/bin/vllm, serve] }
            workloads:
              - { name: tiny1, input_len: 16, output_len: 8, num_prompts: 8 }
            models:
              qwen: { id: {{TestRuns.Model}}, weights_gb: 17, engine: { command: [/srv/qwen-vllm, serve] } }
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
            """, _root);
        var runs = new RunPlanner(GpuCatalog.Default).Plan(config).Runs;

        string? ProgramInSlice(string server, string model)
        {
            var run = runs.Single(r => r.Server.Name == server && r.Model.Name == model);
            var slice = ConfigLoader.Parse(RunConfigSlice.For(config, run), "config.yml", _root);
            Assert.Empty(slice.Diagnostics);
            var sliced = slice.Config!;
            return sliced.EngineFor(sliced.Servers[0], sliced.Models[0]).Command?[0];
        }

        Assert.Equal(
            ("/srv/qwen-vllm", "/opt/vllm/.venv/bin/vllm", (string?)null),
            (ProgramInSlice("venv-box", "qwen"), ProgramInSlice("venv-box", "other"), ProgramInSlice("sim-box", "qwen")));
    }
}
