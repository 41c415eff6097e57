using System.Diagnostics;
using GpuBench.Simulator.Cli;
using GpuBench.TestSupport;

namespace GpuBench.Simulator.Tests.Cli;

/// <summary>The simulator refuses what the pinned vLLM (src/Core/Engines/vllm-cli.yml) refuses, with vLLM's message.</summary>
public class VllmContractEnforcementTests
{
    private const string Model = "meta-llama/Llama-3.1-8B-Instruct";
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Serve_with_the_model_as_an_option_is_refused_with_vllms_message()
    {
        var error = Assert.Throws<VllmCliException>(() => VllmArguments.Parse(["serve", "--model", Model, "--port", "8000"], NoEnvironment));

        Assert.Equal(
            "ValueError: With `vllm serve`, you should provide the model as a positional argument or in a config file instead of via the `--model` option.",
            error.Message);
        Assert.Equal(1, error.ExitCode);
    }

    [Fact]
    public void The_api_server_entrypoint_refuses_a_positional_model()
    {
        var error = Assert.Throws<VllmCliException>(() => VllmArguments.Parse([Model, "--port", "8000"], NoEnvironment));

        Assert.Equal($"api_server.py: error: unrecognized arguments: {Model}", error.Message);
        Assert.Equal(2, error.ExitCode);
    }

    [Theory]
    [InlineData("--kv-cache-dtype", "fp9", "argument --kv-cache-dtype: invalid choice: 'fp9' (choose from 'auto', 'fp8', 'fp8_e4m3', 'fp8_e5m2', 'fp8_inc')")]
    [InlineData("--port", "eighty", "argument --port: invalid int value: 'eighty'")]
    [InlineData("--gpu-memory-utilization", "most", "argument --gpu-memory-utilization: invalid float value: 'most'")]
    public void A_value_of_the_wrong_shape_is_refused_as_argparse_refuses_it(string flag, string value, string message)
    {
        var error = Assert.Throws<VllmCliException>(() => VllmArguments.Parse(["serve", Model, flag, value], NoEnvironment));

        Assert.Equal($"vllm serve: error: {message}", error.Message);
    }

    [Fact]
    public void A_second_positional_after_serve_is_unrecognized()
    {
        var error = Assert.Throws<VllmCliException>(() => VllmArguments.Parse(["serve", Model, "extra"], NoEnvironment));

        Assert.Equal("vllm serve: error: unrecognized arguments: extra", error.Message);
    }

    [Fact]
    public void An_otlp_protocol_vllm_has_no_exporter_for_is_refused()
    {
        var environment = new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] = "http/json" };

        var error = Assert.Throws<VllmCliException>(() =>
            VllmArguments.Parse(["serve", Model, "--otlp-traces-endpoint", "http://127.0.0.1:4318/v1/traces"], environment.GetValueOrDefault));

        Assert.Equal("ValueError: Unsupported OTLP protocol 'http/json' is configured", error.Message);
        // http/protobuf and grpc (the default) are vLLM's two exporters.
        environment["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] = "http/protobuf";
        Assert.NotNull(VllmArguments.Parse(["serve", Model, "--otlp-traces-endpoint", "http://127.0.0.1:4318/v1/traces"], environment.GetValueOrDefault));
        Assert.NotNull(VllmArguments.Parse(["serve", Model, "--otlp-traces-endpoint", "http://127.0.0.1:4317"], NoEnvironment));
    }

    [Fact]
    public void Tracing_without_opentelemetry_installed_is_refused_as_vllm_refuses_it()
    {
        var environment = new Dictionary<string, string> { [VllmArguments.MissingPackagesVariable] = "opentelemetry" };

        var error = Assert.Throws<VllmCliException>(() =>
            VllmArguments.Parse(["--model", Model, "--otlp-traces-endpoint", "http://127.0.0.1:4317"], environment.GetValueOrDefault));

        Assert.StartsWith("ValueError: OpenTelemetry is not available. Unable to configure 'otlp_traces_endpoint'.", error.Message, StringComparison.Ordinal);
        Assert.NotNull(VllmArguments.Parse(["--model", Model], environment.GetValueOrDefault));
    }

    [Fact]
    public async Task The_simulator_program_exits_with_vllms_message_and_code()
    {
        var start = new ProcessStartInfo(BuiltProjects.DotNet)
        {
            ArgumentList = { BuiltProjects.Simulator, "serve", "--model", Model },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("With `vllm serve`, you should provide the model as a positional argument", stderr, StringComparison.Ordinal);
    }
}
