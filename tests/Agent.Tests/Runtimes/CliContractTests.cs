using GpuBench.Agent.Runtimes;
using GpuBench.Agent.Telemetry;
using GpuBench.Agent.Tests.Support;
using GpuBench.Core.Config;
using GpuBench.Core.Engines;
using GpuBench.Core.Planning;
using Microsoft.Extensions.Configuration;

namespace GpuBench.Agent.Tests.Runtimes;

/// <summary>
/// Every engine command line GpuBench can plan, as the replica is launched (telemetry applied), read against the
/// pinned vLLM's contract (src/Core/Engines/vllm-cli.yml): docker and process, each engine option, tracing on and
/// off in each collector protocol. vLLM v0.11.0 would accept each one, and serve the planned model.
/// </summary>
public class CliContractTests
{
    private static readonly VllmCliContract Contract = VllmCliContract.Pinned;
    private static readonly Lazy<List<(string Name, DeploymentPlan Plan, ChildTelemetry Telemetry)>> All = new(() => [.. AllDeployments()]);

    public static TheoryData<string> Deployments()
    {
        var data = new TheoryData<string>();
        foreach (var name in All.Value.Select(d => d.Name))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void The_pinned_vllm_accepts_the_rendered_command_line(string name)
    {
        var (_, plan, telemetry) = All.Value.Single(d => d.Name == name);

        foreach (var replica in plan.Replicas)
        {
            var launch = telemetry.Apply(plan, replica).Replica;
            var (entrypoint, arguments) = AsVllmSeesIt(plan, launch);
            var check = Contract.Check(arguments, entrypoint);

            Assert.True(check.Accepted, $"{name}: {check.Error}\n{string.Join(' ', arguments)}");
            Assert.Equal(plan.Request.Engine.Model, check.Model);
            Assert.Empty(check.UnknownFlags);
            Assert.Equal(plan.Request.Engine.Revision, check.Value("--revision"));
            Assert.Equal(plan.Request.Engine.Revision, check.Value("--tokenizer-revision"));
            Assert.Equal(plan.EngineTracing && telemetry.WantsEngineTracing(plan.Request.Engine.Settings.Kind), check.Has("--otlp-traces-endpoint"));
            if (check.Has("--otlp-traces-endpoint"))
            {
                Assert.Null(Contract.CheckOtlpProtocol(launch.Environment.GetValueOrDefault(Contract.OtlpProtocolVariable)));
            }
        }
    }

    [Fact]
    public void The_command_lines_gpubench_rendered_before_are_refused_as_vllm_refuses_them()
    {
        // `vllm serve --model X` and a protocol vLLM has no exporter for: the two ways every replica crashed.
        var serve = Contract.Check(["serve", "--model", "org/m", "--port", "8000"], VllmEntrypoint.Serve);
        var protocol = Contract.CheckOtlpProtocol("http/json");

        Assert.Equal(1, serve.Error!.ExitCode);
        Assert.Contains("should provide the model as a positional argument", serve.Error.Message, StringComparison.Ordinal);
        Assert.Equal("ValueError: Unsupported OTLP protocol 'http/json' is configured", protocol!.Message);
    }

    [Fact]
    public void Every_deployment_kind_is_among_those_checked()
    {
        var all = All.Value;

        Assert.Contains(all, d => d.Plan.Runtime == RuntimeKind.Docker && d.Plan.EngineTracing && d.Telemetry.WantsEngineTracing(EngineKind.Vllm));
        Assert.Contains(all, d => d.Plan.Runtime == RuntimeKind.Process && VllmCliContract.EntrypointOf(d.Plan.Request.Engine.Command) == VllmEntrypoint.Serve);
        Assert.Contains(all, d => d.Plan.Runtime == RuntimeKind.Process && VllmCliContract.EntrypointOf(d.Plan.Request.Engine.Command) == VllmEntrypoint.ApiServer);
        Assert.Contains(all, d => !d.Plan.EngineTracing);
        Assert.Contains(all, d => d.Plan.Request.Engine.Settings.Kind == EngineKind.Sim);
    }

    /// <summary>What vLLM's parser gets: the arguments after the program, `serve` first for the CLI.</summary>
    private static (VllmEntrypoint, IReadOnlyList<string>) AsVllmSeesIt(DeploymentPlan plan, ReplicaSpec launch)
    {
        var entrypoint = DeploymentPlanner.Entrypoint(plan.Request);
        return entrypoint == VllmEntrypoint.Serve
            ? (entrypoint, [VllmCliContract.ServeSubcommand, .. launch.EngineArguments])
            : (entrypoint, launch.EngineArguments);
    }

    private static IEnumerable<(string Name, DeploymentPlan Plan, ChildTelemetry Telemetry)> AllDeployments()
    {
        (string, string[])[] commands =
        [
            ("vllm-serve", ["vllm", "serve"]),
            ("venv-serve", ["/opt/vllm/.venv/bin/vllm", "serve"]),
            ("api-server-module", ["/opt/vllm/.venv/bin/python", "-m", "vllm.entrypoints.openai.api_server"]),
            ("simulator-serve", ["/opt/gpubench/simulator/GpuBench.Simulator", "serve"]),
        ];
        (string, (string, string)[])[] collectors =
        [
            ("no-collector", []),
            ("http-protobuf", [("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")]),
            ("http-json", [("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")]),
            ("grpc", [("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")]),
            ("endpoint-only", [("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")]),
        ];
        (string, EngineSettings)[] settings =
        [
            ("defaults", new EngineSettings()),
            ("fp8-seqs", new EngineSettings { KvCacheDtype = "fp8", MaxNumSeqs = 64, GpuMemoryUtilization = 0.95, MaxModelLen = 32768 }),
            ("fp8_e4m3", new EngineSettings { KvCacheDtype = "fp8_e4m3" }),
            ("fp8_e5m2", new EngineSettings { KvCacheDtype = "fp8_e5m2", ExtraArgs = ["--enable-prefix-caching", "--max-num-batched-tokens", "4096"] }),
            ("sim", new EngineSettings { Kind = EngineKind.Sim }),
        ];
        string?[] revisions = [null, "0123456789abcdef0123456789abcdef01234567"];
        foreach (var runtime in new[] { RuntimeKind.Docker, RuntimeKind.Process })
        {
            foreach (var (commandName, command) in runtime == RuntimeKind.Docker ? commands[..1] : commands)
            {
                foreach (var (settingName, engine) in settings)
                {
                    foreach (var revision in revisions)
                    {
                        foreach (var (collectorName, collector) in collectors)
                        {
                            foreach (var tracing in new[] { true, false })
                            {
                                var request = Plans.Request(Layout.Consecutive(2, 1, 2), runtime);
                                request = request with
                                {
                                    Engine = request.Engine with { Settings = engine, Command = command, Revision = revision, Model = "org/model" },
                                };
                                var port = 8000;
                                var plan = DeploymentPlanner.Plan("d1", request, Plans.Gpus(4, simulated: false), ["gateway"], "admin", () => ++port, "/var/lib/gpubench/engine-cache")
                                    with { EngineTracing = tracing };
                                var name = $"{runtime}/{(runtime == RuntimeKind.Docker ? "image" : commandName)}/{settingName}/{(revision is null ? "main" : "pinned")}/{collectorName}/{(tracing ? "tracing" : "no-tracing")}";
                                yield return (name, plan, Telemetry(collector));
                            }
                        }
                    }
                }
            }
        }
    }

    private static ChildTelemetry Telemetry((string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build());
}
