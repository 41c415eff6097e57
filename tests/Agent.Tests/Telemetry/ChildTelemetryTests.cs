using GpuBench.Agent.Runtimes.Docker;
using GpuBench.Agent.Telemetry;
using GpuBench.Agent.Tests.Support;
using GpuBench.Core.Config;
using GpuBench.Core.Planning;
using Microsoft.Extensions.Configuration;

namespace GpuBench.Agent.Tests.Telemetry;

public sealed class ChildTelemetryTests
{
    private static ChildTelemetry With(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void Each_child_gets_a_service_name_and_instance_of_its_own()
    {
        var environment = With().Environment(ChildTelemetry.ReplicaServiceName("sim-rtx4090/qwen3-coder-30b/smoke", 1));

        Assert.Equal("qwen3-coder-30b-smoke-r1-sim-rtx4090", environment["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=qwen3-coder-30b-smoke-r1-sim-rtx4090", environment["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal("qwen3-coder-30b-smoke-gateway-sim-rtx4090", ChildTelemetry.GatewayServiceName("sim-rtx4090/qwen3-coder-30b/smoke"));
    }

    [Fact]
    public void Vllm_is_told_the_agents_collector_in_the_agents_protocol()
    {
        var http = With(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:18890/"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"));
        var grpc = With(("OTEL_EXPORTER_OTLP_ENDPOINT", "https://localhost:21000"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"));

        Assert.Equal(["--otlp-traces-endpoint", "http://localhost:18890/v1/traces"], http.EngineArguments(EngineKind.Vllm));
        Assert.Equal("http/protobuf", http.Environment("x", EngineKind.Vllm)["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"]);
        Assert.Equal(["--otlp-traces-endpoint", "https://localhost:21000"], grpc.EngineArguments(EngineKind.Vllm));
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL")]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")]
    public void An_http_json_collector_is_given_to_vllm_as_http_protobuf_which_vllm_has_an_exporter_for(string variable)
    {
        var telemetry = With(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:18890"), (variable, "http/json"));
        var protocol = telemetry.Environment("x", EngineKind.Vllm)["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"];

        Assert.Equal("http/protobuf", protocol);
        Assert.Null(Core.Engines.VllmCliContract.Pinned.CheckOtlpProtocol(protocol));
        Assert.NotNull(Core.Engines.VllmCliContract.Pinned.CheckOtlpProtocol("http/json"));
        Assert.Equal(["--otlp-traces-endpoint", "http://localhost:18890/v1/traces"], telemetry.EngineArguments(EngineKind.Vllm));
    }

    [Fact]
    public void The_simulator_and_an_agent_without_a_collector_get_no_engine_flag()
    {
        var exporting = With(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:18890"));

        // The simulator is a .NET service: it reads the OTLP variables it inherits from the agent.
        Assert.Empty(exporting.EngineArguments(EngineKind.Sim));
        Assert.Empty(With().EngineArguments(EngineKind.Vllm));
        Assert.DoesNotContain("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", exporting.Environment("x", EngineKind.Sim).Keys);
    }

    [Fact]
    public void A_vllm_container_reaches_the_agents_loopback_collector_and_gets_the_headers_only_as_a_secret()
    {
        var telemetry = With(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:43177"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "x-otlp-api-key=dashboard-secret-key"),
            ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
            ("OTEL_SERVICE_NAME", "agent-rtx4090-x4"));
        var plan = Plans.Plan(Layout.Consecutive(2, 1, 2));

        var launch = telemetry.Apply(plan, plan.Replicas[1]);
        var container = DockerContainerFactory.Create(launch.Replica, launch.Secrets);

        // The container shares the box's network, so the agent's loopback endpoint works unchanged inside it.
        Assert.Equal(DockerContainerFactory.NetworkMode, container.HostConfig!.NetworkMode);
        Assert.Equal(["--otlp-traces-endpoint", "http://127.0.0.1:43177/v1/traces"], container.Cmd.TakeLast(2));
        Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:43177", container.Env);
        Assert.Contains("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf", container.Env);
        Assert.Contains("OTEL_TRACES_SAMPLER=parentbased_traceidratio", container.Env);
        Assert.Contains("OTEL_SERVICE_NAME=llama70b-r1-h200x4", container.Env);
        Assert.Contains("OTEL_EXPORTER_OTLP_HEADERS=x-otlp-api-key=dashboard-secret-key", container.Env);
        Assert.Contains("OTEL_EXPORTER_OTLP_HEADERS", launch.Replica.SecretVariables);
        Assert.DoesNotContain(launch.Replica.Environment.Values, v => v.Contains("dashboard-secret-key", StringComparison.Ordinal));
        Assert.Equal(Plans.HfToken, launch.Secrets["HF_TOKEN"]);
    }

    [Fact]
    public void A_process_replica_inherits_the_exporter_and_is_given_only_its_name_and_flag()
    {
        var telemetry = With(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:43177"), ("OTEL_EXPORTER_OTLP_HEADERS", "x-otlp-api-key=k"));
        var plan = Plans.Plan(Layout.Consecutive(2, 2, 1), RuntimeKind.Process);

        var launch = telemetry.Apply(plan, plan.Replicas[0]);

        Assert.DoesNotContain("OTEL_EXPORTER_OTLP_ENDPOINT", launch.Replica.Environment.Keys);
        Assert.DoesNotContain("OTEL_EXPORTER_OTLP_HEADERS", launch.Secrets.Keys);
        Assert.Equal("llama70b-r0-h200x4", launch.Replica.Environment["OTEL_SERVICE_NAME"]);
        Assert.Equal(["--otlp-traces-endpoint", "http://127.0.0.1:43177"], launch.Replica.EngineArguments.TakeLast(2));
    }
}
