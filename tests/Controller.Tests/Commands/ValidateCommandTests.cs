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
        Assert.EndsWith("config.yml is valid: 3 servers, 3 models, 3 workloads → 18 runs.", result.Output.Trim());
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

    private const string ConfigWithADataset = """
        prices: { rtx4090: 0.39 }
        workloads:
          - name: chat
            dataset: { name: sharegpt, path: chat.json }
            num_prompts: 3
        models:
          qwen: { id: Qwen/Qwen3-8B, weights_gb: 17 }
        servers:
          - name: box
            local: true
            gpu: { type: rtx4090, count: 1 }
            models: [qwen]
        """;

    [Fact]
    public void A_malformed_dataset_file_is_reported_at_its_own_line_and_column()
    {
        var path = GpuBenchApp.WriteConfig(ConfigWithADataset);
        var dataset = Path.Combine(Path.GetDirectoryName(path)!, "chat.json");
        File.WriteAllText(dataset, "[\n  {\"conversations\": [{\"value\": \"hi\"}, {\"value\": \"hello\"}]},\n  {\"conversations\": [{\"value\": 3}, {\"value\": \"x\"}]}\n]\n");

        var result = GpuBenchApp.Run("validate", "--config", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            [
                $"{dataset}:3:3: workloads[0].dataset: entry 2: conversations[0] needs a string \"value\".",
                "1 error, 0 warnings: fix the errors and run again.",
            ],
            result.Lines().Where(l => l.Length > 0));
    }

    [Fact]
    public void Fewer_usable_conversations_than_prompts_is_a_warning_and_a_missing_file_an_error_at_the_config()
    {
        var path = GpuBenchApp.WriteConfig(ConfigWithADataset);
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "chat.json"), """[{"conversations": [{"value": "hi"}, {"value": "hello"}]}, {"conversations": []}]""");

        var warned = GpuBenchApp.Run("validate", "--config", path);
        var missing = GpuBenchApp.Run("validate", "--config", GpuBenchApp.WriteConfig(ConfigWithADataset));

        Assert.Equal(0, warned.ExitCode);
        Assert.Contains("workloads[0].dataset: 1 conversations of two turns or more for num_prompts 3: entries will be repeated (vLLM's oversampling) unless no_oversample", warned.Output);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains(":4:38: workloads[0].dataset.path: dataset file not found: ", missing.Output);
    }
}
