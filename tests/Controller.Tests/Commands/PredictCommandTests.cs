namespace GpuBench.Controller.Tests.Commands;

public class PredictCommandTests
{
    [Fact]
    public void Predict_plans_a_layout_and_prints_the_load_generators_result_block()
    {
        var result = GpuBenchApp.Run("predict", "--gpu", "rtx4090", "--gpus", "4", "--model", "ibnzterrell/Meta-Llama-3.3-70B-Instruct-AWQ-INT4",
            "--num-prompts", "40", "--max-concurrency", "20", "--random-input-len", "200", "--random-output-len", "50", "--kv-cache-dtype", "fp8");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("SIMULATED (not measured)", result.Output, StringComparison.Ordinal);
        Assert.Contains("layout 2 × pp2", result.Output, StringComparison.Ordinal);
        Assert.Contains("============ Serving Benchmark Result ============", result.Output, StringComparison.Ordinal);
        Assert.Contains(result.Lines(), l => l.StartsWith("Successful requests:", StringComparison.Ordinal) && l.EndsWith(" 40", StringComparison.Ordinal));
        Assert.Contains(result.Lines(), l => l.StartsWith("Total generated tokens:", StringComparison.Ordinal) && l.EndsWith(" 2000", StringComparison.Ordinal));
    }

    [Fact]
    public void Predict_explains_a_layout_that_does_not_start()
    {
        var result = GpuBenchApp.Run("predict", "--gpu", "rtx4090", "--model", "cpatonn/GLM-4.5-Air-AWQ-4bit", "--pp", "1", "--num-prompts", "4");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no memory left for the KV cache", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_needs_a_gpu_and_a_model()
    {
        var result = GpuBenchApp.Run("predict", "--num-prompts", "4");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--gpu and --model are required", result.Output, StringComparison.Ordinal);
    }
}
