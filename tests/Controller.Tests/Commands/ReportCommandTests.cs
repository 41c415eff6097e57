using GpuBench.TestSupport;

namespace GpuBench.Controller.Tests.Commands;

public class ReportCommandTests
{
    private static string SeedResults => Fixtures.PathOf("seed-results");

    [Fact]
    public void Report_takes_prices_from_config_and_a_price_override_wins()
    {
        var config = GpuBenchApp.WriteConfig("""
            prices:
              rtx4090: 0.39
              pro6000: 1.29
            workloads:
              - { name: smoke, input_len: 200, output_len: 100, num_prompts: 64 }
            models:
              qwen: { id: QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ, weights_gb: 17 }
            servers:
              - { name: sim, local: true, gpu: { type: rtx4090, count: 1 }, models: [qwen], engine: { kind: sim } }
            """);
        var output = Path.Combine(AppContext.BaseDirectory, "artifacts", "report-command");

        var result = GpuBenchApp.Run("report", "--results", SeedResults, "--out", output, "--config", config, "--price", "pro6000=2.00");

        Assert.Equal(0, result.ExitCode);
        var csv = File.ReadAllLines(Path.Combine(output, "summary.csv"));
        Assert.Contains(csv, l => l.StartsWith("QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ,rtx4090,1,1,1,1,", StringComparison.Ordinal) && l.Contains(",0.3900,0.3900,0.0480,", StringComparison.Ordinal));
        Assert.Contains(csv, l => l.StartsWith("QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ,pro6000,1,", StringComparison.Ordinal) && l.Contains(",2.0000,2.0000,0.0659,", StringComparison.Ordinal));
        Assert.Contains(csv, l => l.StartsWith("QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ,rtx5090,1,", StringComparison.Ordinal) && l.Contains(",4569.74,,,,,", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(output, "report.html")));
        Assert.Contains("cheapest: 2× rtx4090 · 2 × 1, $0.046/Mtok", result.Output, StringComparison.Ordinal);
        Assert.Contains("2× l40s · 2 × 1: invalid: 221 of 1200 requests failed", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_price_is_refused_with_the_form_to_use()
    {
        var result = GpuBenchApp.Run("report", "--results", SeedResults, "--price", "rtx4090");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--price rtx4090=0.45", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("95")]
    public void A_confidence_level_outside_zero_to_one_is_refused_with_an_example(string level)
    {
        var result = GpuBenchApp.Run("report", "--results", SeedResults, "--confidence", level, "--out", Path.Combine(AppContext.BaseDirectory, "artifacts", "report-confidence"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--confidence 0.9", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, "artifacts", "report-confidence", "report.md")));
    }

    [Fact]
    public void A_missing_results_folder_names_the_option_to_pass()
    {
        var result = GpuBenchApp.Run("report", "--results", "/nonexistent/results", "--out", Path.Combine(AppContext.BaseDirectory, "artifacts", "report-missing"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("pass --results DIR", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_config_stops_the_report_with_its_diagnostics()
    {
        var config = GpuBenchApp.WriteConfig("prices: { rtx4090: cheap }\n");

        var result = GpuBenchApp.Run("report", "--results", SeedResults, "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("config.yml:", result.Output, StringComparison.Ordinal);
    }
}
