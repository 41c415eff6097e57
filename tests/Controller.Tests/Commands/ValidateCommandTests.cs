using GpuBench.TestSupport;

namespace GpuBench.Controller.Tests.Commands;

public class ValidateCommandTests
{
    private const string ConfigWithTwoErrorsAndAWarning = """
        workloads:
          - name: smoke
            input_len: 200
            output_len: -100
            num_prompts: 64
        models:
          qwen: { id: Qwen/Qwen3-8B, weights_gb: 17 }
        servers:
          - name: box
            local: true
            gpu: { type: rtx4090, count: four }
            models: [qwen]
        """;

    [Fact]
    public void Validate_prints_every_error_and_warning_with_its_location_and_exits_1()
    {
        var path = GpuBenchApp.WriteConfig(ConfigWithTwoErrorsAndAWarning);

        var result = GpuBenchApp.Run("validate", "--config", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            [
                $"{path}:4:17: workloads[0].output_len: expected a positive integer, got \"-100\"",
                $"{path}:11:18: warning: servers[0].gpu.type: no price for GPU type 'rtx4090' (add prices.rtx4090: <$ per GPU-hour>); reports will say \"no price\"",
                $"{path}:11:34: servers[0].gpu.count: expected a positive integer, got \"four\"",
                "2 errors, 1 warning: fix the errors and run again.",
            ],
            result.Lines().Where(l => l.Length > 0));
    }

    [Fact]
    public void Diagnostics_stay_on_one_line_on_a_narrow_console()
    {
        var path = GpuBenchApp.WriteConfig(ConfigWithTwoErrorsAndAWarning);

        var result = GpuBenchApp.RunAtWidth(40, "validate", "--config", path);

        Assert.Contains($"{path}:11:34: servers[0].gpu.count: expected a positive integer, got \"four\"\n", result.Output);
    }

    [Fact]
    public void Validate_shows_warnings_but_succeeds_when_there_are_no_errors()
    {
        var path = GpuBenchApp.WriteConfig(ConfigWithTwoErrorsAndAWarning.Replace("-100", "100").Replace("four", "4"));

        var result = GpuBenchApp.Run("validate", "--config", path);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith($"{path}:11:18: warning: servers[0].gpu.type: no price for GPU type 'rtx4090'", result.Output);
        Assert.Contains($"{path} is valid: 1 server, 1 model, 1 workload → 1 run.", result.Output);
    }

    [Fact]
    public void Validate_accepts_the_root_config()
    {
        var result = GpuBenchApp.Run("validate", "-c", Path.Combine(Fixtures.RepositoryRoot, "config.yml"));

        Assert.Equal(0, result.ExitCode);
        Assert.EndsWith("config.yml is valid: 3 servers, 3 models, 1 workload → 9 runs.", result.Output.Trim());
    }

    [Fact]
    public void Validate_reports_a_missing_config_file()
    {
        var result = GpuBenchApp.Run("validate", "--config", "/nonexistent/config.yml");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("/nonexistent/config.yml:1:1: file not found", result.Output);
    }

    [Fact]
    public void Help_lists_the_commands()
    {
        var result = GpuBenchApp.Run("--help");

        Assert.Contains("validate", result.Output);
        Assert.Contains("plan", result.Output);
    }
}
