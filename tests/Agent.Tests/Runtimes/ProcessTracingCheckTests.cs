using GpuBench.Agent.Hosting;
using GpuBench.Agent.Processes;
using GpuBench.Agent.Runtimes;
using GpuBench.Agent.Runtimes.Process;
using GpuBench.Agent.Telemetry;
using GpuBench.Agent.Tests.Support;
using GpuBench.Core.Config;
using GpuBench.Core.Planning;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using System.Runtime.Versioning;

namespace GpuBench.Agent.Tests.Runtimes;

/// <summary>
/// Under the process runtime the agent asks vLLM's own Python (the `#!` line of its `vllm` script) whether it can
/// import OpenTelemetry; a real script on disk answers, as pip's console scripts do.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ProcessTracingCheckTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gpubench-otel-check-").FullName;

    [Fact]
    public async Task A_vllm_whose_python_lacks_opentelemetry_starts_without_the_tracing_flag_and_a_warning()
    {
        var (plan, telemetry, runtime) = Deployment(pythonHasOpenTelemetry: false);

        var prepared = await runtime.PrepareAsync(plan, _ => { }, TestContext.Current.CancellationToken);
        var launch = Launch(telemetry, prepared, plan);

        Assert.False(prepared.Tracing);
        Assert.Contains("vLLM tracing is off", prepared.Warning, StringComparison.Ordinal);
        Assert.Contains("No module named 'opentelemetry'", prepared.Warning, StringComparison.Ordinal);
        Assert.DoesNotContain("--otlp-traces-endpoint", launch.EngineArguments);
    }

    [Fact]
    public async Task A_vllm_whose_python_has_opentelemetry_keeps_the_tracing_flag()
    {
        var (plan, telemetry, runtime) = Deployment(pythonHasOpenTelemetry: true);

        var prepared = await runtime.PrepareAsync(plan, _ => { }, TestContext.Current.CancellationToken);
        var launch = Launch(telemetry, prepared, plan);

        Assert.True(prepared.Tracing);
        Assert.Null(prepared.Warning);
        Assert.Contains("--otlp-traces-endpoint", launch.EngineArguments);
        // It was asked about every module vLLM's tracing imports.
        Assert.Contains("opentelemetry.semconv_ai", await File.ReadAllTextAsync(Path.Combine(_directory, "asked"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    /// <summary>The first replica as it starts: on the prepared image, with its telemetry.</summary>
    private static ReplicaSpec Launch(ChildTelemetry telemetry, EnginePreparation prepared, DeploymentPlan plan)
    {
        var applied = prepared.Apply(plan);
        return telemetry.Apply(applied, applied.Replicas[0]).Replica;
    }

    private readonly ChildReaper _reaper = new();

    public void Dispose()
    {
        _reaper.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private (DeploymentPlan, ChildTelemetry, ProcessRuntime) Deployment(bool pythonHasOpenTelemetry)
    {
        var python = Executable("python3", $"""
            #!/bin/sh
            echo "$@" > '{_directory}/asked'
            {(pythonHasOpenTelemetry ? "exit 0" : "echo \"ModuleNotFoundError: No module named 'opentelemetry'\" >&2; exit 1")}

            """);
        var vllm = Executable("vllm", $"#!{python}\nimport sys\n");
        var request = Plans.Request(Layout.Consecutive(1, 1, 1), RuntimeKind.Process);
        request = request with { Engine = request.Engine with { Command = [vllm, "serve"] } };
        var plan = DeploymentPlanner.Plan("d1", request, Plans.Gpus(1, false), ["gw"], "t", () => 8001);
        var telemetry = new ChildTelemetry(new ConfigurationBuilder().AddInMemoryCollection(
            [new("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")]).Build());
        var runtime = new ProcessRuntime(Options.Create(new AgentOptions { DataDirectory = _directory }), telemetry, new CommandRunner(), _reaper);
        return (plan, telemetry, runtime);
    }

    private string Executable(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
