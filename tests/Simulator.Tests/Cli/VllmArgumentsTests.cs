using GpuBench.Simulator.Cli;

namespace GpuBench.Simulator.Tests.Cli;

public class VllmArgumentsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Parses_the_article_compose_command_and_warns_about_flags_it_ignores()
    {
        var options = VllmArguments.Parse(
            ["--trust-remote-code", "--gpu-memory-utilization=0.9", "--host", "0.0.0.0", "--port", "8000",
             "--tensor-parallel-size", "1", "--pipeline-parallel-size", "2",
             "--model", "/hf_models/ibnzterrell/Meta-Llama-3.3-70B-Instruct-AWQ-INT4",
             "--served-model-name", "ibnzterrell/Meta-Llama-3.3-70B-Instruct-AWQ-INT4",
             "--max-model-len", "8192", "--kv-cache-dtype", "fp8", "--tool-call-parser", "glm45", "--enable-expert-parallel"],
            NoEnvironment);

        Assert.Equal("/hf_models/ibnzterrell/Meta-Llama-3.3-70B-Instruct-AWQ-INT4", options.Model);
        Assert.Equal("ibnzterrell/Meta-Llama-3.3-70B-Instruct-AWQ-INT4", options.PrimaryModelName);
        Assert.Equal((1, 2, 8192, "fp8", 0.9), (options.Engine.TensorParallel, options.Engine.PipelineParallel, options.Engine.MaxModelLen, options.Engine.KvCacheDtype, options.Engine.GpuMemoryUtilization));
        Assert.Equal(8000, options.Port);
        Assert.Equal(3, options.Warnings.Count);
        Assert.Contains(options.Warnings, w => w.Contains("--tool-call-parser glm45", StringComparison.Ordinal));
    }

    [Fact]
    public void Accepts_the_serve_positional_model_and_the_gpu_from_the_environment()
    {
        var environment = new Dictionary<string, string> { [SimulatorOptions.GpuVariable] = "h200", [SimulatorOptions.GpuCountVariable] = "8" };

        var options = VllmArguments.Parse(["serve", "meta-llama/Llama-3.1-8B-Instruct", "--max-num-seqs", "64", "--max_num_batched_tokens=4096"], environment.GetValueOrDefault);

        Assert.Equal("meta-llama/Llama-3.1-8B-Instruct", options.Model);
        Assert.Equal(("h200", 8), (options.Gpu, options.GpuCount));
        Assert.Equal((64, 4096), (options.Engine.MaxNumSeqs, options.Engine.MaxNumBatchedTokens));
        Assert.Empty(options.Warnings);
    }

    [Fact]
    public void The_sim_gpu_flag_wins_over_the_environment()
    {
        var options = VllmArguments.Parse(["--model", "m", "--sim-gpu", "l40s", "--sim-gpu-count", "2"], name => name == SimulatorOptions.GpuVariable ? "h100" : "4");

        Assert.Equal(("l40s", 2), (options.Gpu, options.GpuCount));
    }

    [Fact]
    public void A_malformed_number_is_refused_as_vllms_argparse_refuses_it()
    {
        var error = Assert.Throws<VllmCliException>(() => VllmArguments.Parse(["--max-model-len", "lots"], NoEnvironment));

        Assert.Equal("api_server.py: error: argument --max-model-len: invalid human_readable_int value: 'lots'", error.Message);
        Assert.Equal(2, error.ExitCode);
    }
}
