using GpuBench.TestSupport;

namespace GpuBench.Controller.Tests.Commands;

public class PlanCommandTests
{
    [Fact]
    public void Plan_prints_the_matrix_of_the_root_config()
    {
        var result = GpuBenchApp.Run("plan", "--config", Path.Combine(Fixtures.RepositoryRoot, "config.yml"));

        Assert.Equal(0, result.ExitCode);
        var rows = result.Lines().Where(l => l.StartsWith("│ sim-", StringComparison.Ordinal))
            .Select(l => string.Join(" ; ", l.Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            .ToArray();
        Assert.Equal(
            [
                "sim-rtx4090 ; qwen3-coder-30b ; smoke ; 4 × 1 ; 0|1|2|3 ; $1.56",
                "sim-rtx4090 ; llama-3.3-70b ; smoke ; 2 × pp2 ; 0,1|2,3 ; $1.56",
                "sim-rtx4090 ; glm-4.5-air ; smoke ; 1 × pp4 ; 0,1,2,3 ; $1.56",
                "sim-rtx5090 ; qwen3-coder-30b ; smoke ; 4 × 1 ; 0|1|2|3 ; $2.60",
                "sim-rtx5090 ; qwen3-coder-30b ; chat ; 4 × 1 ; 0|1|2|3 ; $2.60",
                "sim-rtx5090 ; llama-3.3-70b ; smoke ; 2 × pp2 ; 0,1|2,3 ; $2.60",
                "sim-rtx5090 ; llama-3.3-70b ; chat ; 2 × pp2 ; 0,1|2,3 ; $2.60",
                "sim-rtx5090 ; glm-4.5-air ; smoke ; 1 × pp4 ; 0,1,2,3 ; $2.60",
                "sim-rtx5090 ; glm-4.5-air ; chat ; 1 × pp4 ; 0,1,2,3 ; $2.60",
                "sim-pro6000 ; qwen3-coder-30b ; smoke ; 1 × 1 ; 0 ; $1.29",
                "sim-pro6000 ; llama-3.3-70b ; smoke ; 1 × 1 ; 0 ; $1.29",
                "sim-pro6000 ; glm-4.5-air ; smoke ; 1 × 1 ; 0 ; $1.29",
            ],
            rows);
        Assert.EndsWith("12 runs planned, 0 not planned.", result.Output.Trim());
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
}
