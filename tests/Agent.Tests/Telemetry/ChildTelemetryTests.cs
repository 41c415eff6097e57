using GpuBench.Agent.Telemetry;
using GpuBench.Core.Config;
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

        Assert.Equal("sim-rtx4090-qwen3-coder-30b-smoke-replica-1", environment["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=sim-rtx4090-qwen3-coder-30b-smoke-replica-1", environment["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal("sim-rtx4090-qwen3-coder-30b-smoke-gateway", ChildTelemetry.GatewayServiceName("sim-rtx4090/qwen3-coder-30b/smoke"));
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

    [Fact]
    public void The_simulator_and_an_agent_without_a_collector_get_no_engine_flag()
    {
        var exporting = With(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:18890"));

        // The simulator is a .NET service: it reads the OTLP variables it inherits from the agent.
        Assert.Empty(exporting.EngineArguments(EngineKind.Sim));
        Assert.Empty(With().EngineArguments(EngineKind.Vllm));
        Assert.DoesNotContain("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", exporting.Environment("x", EngineKind.Sim).Keys);
    }
}
