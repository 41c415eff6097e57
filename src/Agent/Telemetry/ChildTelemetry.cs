using GpuBench.Core.Config;
using GpuBench.Agent.Runtimes;
using GpuBench.Core.Contracts;

namespace GpuBench.Agent.Telemetry;

/// <summary>
/// Telemetry settings of the processes the agent starts (engine replicas, gateways). Processes inherit the agent's
/// OTLP exporter variables (endpoint, headers, protocol, sampler) and containers are given them, so their spans
/// join the same dashboard and the same traces; each gets its own service name, or the dashboard would show them
/// all as the agent. vLLM exports traces only when told where: --otlp-traces-endpoint.
/// </summary>
public sealed class ChildTelemetry(IConfiguration configuration)
{
    public const string ServiceNameVariable = "OTEL_SERVICE_NAME";
    public const string ResourceAttributesVariable = "OTEL_RESOURCE_ATTRIBUTES";
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string TracesProtocolVariable = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";

    /// <summary>The exporter's variables, all starting with this.</summary>
    public const string VariablePrefix = "OTEL_";

    /// <summary>The service name of a replica: the run (server/model/workload) and the replica's index, as the dashboard's resource for it is named.</summary>
    public static string ReplicaServiceName(string run, int index) => RunResources.Replica(run, index);

    /// <summary>The service name of a deployment's gateway, as the dashboard's resource for it is named.</summary>
    public static string GatewayServiceName(string run) => RunResources.Gateway(run);

    /// <summary>
    /// Variables that replace the agent's own for one child: its service name, and an instance id of its own (the
    /// agent's OTEL_RESOURCE_ATTRIBUTES would otherwise make every child look like another instance of the agent).
    /// The instance id equals the service name: the dashboard then matches the telemetry to the resource of that name.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment(string serviceName, EngineKind? engine = null)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ServiceNameVariable] = serviceName,
            [ResourceAttributesVariable] = $"service.instance.id={serviceName}",
        };
        if (engine == EngineKind.Vllm && (configuration[TracesProtocolVariable] ?? configuration[ProtocolVariable]) is { Length: > 0 } protocol)
        {
            // vLLM's exporter defaults to gRPC; it must speak what the collector the agent uses speaks.
            variables[TracesProtocolVariable] = VllmProtocol(protocol);
        }

        return variables;
    }

    /// <summary>
    /// The OTLP protocol vLLM is given for <paramref name="protocol"/>: vLLM has a gRPC and an HTTP/protobuf exporter
    /// only and refuses anything else at start (src/Core/Engines/vllm-cli.yml, `otlp`); an HTTP/JSON collector
    /// endpoint takes protobuf on the same URL, as the OTLP specification requires of every HTTP receiver.
    /// </summary>
    public static string VllmProtocol(string protocol) => protocol == "http/json" ? "http/protobuf" : protocol;

    /// <summary>Whether a vLLM engine of this agent would be started with --otlp-traces-endpoint.</summary>
    public bool WantsEngineTracing(EngineKind engine) => EngineArguments(engine).Count > 0;

    /// <summary>
    /// The replica as it starts, with its telemetry: its own service name, for vLLM the traces endpoint flag, and
    /// in a container, which inherits nothing from the agent, the agent's exporter variables too. The endpoint is
    /// passed unchanged: containers share the box's network (DockerContainerFactory.NetworkMode), so a loopback
    /// endpoint (the dashboard, or the SSH tunnel's end) is reachable from inside. Headers may carry the
    /// dashboard's API key: they travel as secrets, named but never rendered.
    /// </summary>
    public ReplicaLaunch Apply(DeploymentPlan plan, ReplicaSpec replica)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(replica);
        var kind = plan.Request.Engine.Settings.Kind;
        var environment = new SortedDictionary<string, string>(replica.Environment.ToDictionary(), StringComparer.Ordinal);
        var secrets = replica.SecretVariables.ToDictionary(v => v, v => plan.Secrets[v], StringComparer.Ordinal);
        if (plan.Runtime == RuntimeKind.Docker)
        {
            foreach (var (name, value) in ExporterVariables())
            {
                if (name.EndsWith("_HEADERS", StringComparison.Ordinal))
                {
                    secrets[name] = value;
                }
                else
                {
                    environment[name] = value;
                }
            }
        }

        foreach (var (name, value) in Environment(ReplicaServiceName(plan.Request.Run, replica.Index), kind))
        {
            environment[name] = value;
        }

        return new ReplicaLaunch(
            replica with
            {
                Environment = environment,
                // Without the packages the image cannot export traces (DeploymentPlan.EngineTracing): no flag then.
                EngineArguments = [.. replica.EngineArguments, .. plan.EngineTracing ? EngineArguments(kind) : []],
                SecretVariables = [.. secrets.Keys.Order(StringComparer.Ordinal)],
            },
            secrets);
    }

    /// <summary>--otlp-traces-endpoint for vLLM when the agent itself exports; nothing otherwise.</summary>
    public IReadOnlyList<string> EngineArguments(EngineKind engine)
    {
        if (engine != EngineKind.Vllm || configuration[EndpointVariable] is not { Length: > 0 } endpoint)
        {
            return [];
        }

        // The HTTP exporter takes the signal's full URL; gRPC takes the collector's address.
        var traces = (configuration[TracesProtocolVariable] ?? configuration[ProtocolVariable]) is "http/protobuf" or "http/json"
            ? endpoint.TrimEnd('/') + "/v1/traces"
            : endpoint;
        return ["--otlp-traces-endpoint", traces];
    }

    /// <summary>The agent's own OTEL_* settings (from its environment), as given to it.</summary>
    private IEnumerable<(string Name, string Value)> ExporterVariables() =>
        configuration.AsEnumerable()
            .Where(v => v.Key.StartsWith(VariablePrefix, StringComparison.OrdinalIgnoreCase) && !v.Key.Contains(':', StringComparison.Ordinal) && !string.IsNullOrEmpty(v.Value))
            .Select(v => (v.Key.ToUpperInvariant(), v.Value!))
            .OrderBy(v => v.Item1, StringComparer.Ordinal);
}

/// <summary>A replica with its telemetry, and the secret values its environment names (<see cref="ReplicaSpec.SecretVariables"/>).</summary>
public sealed record ReplicaLaunch(ReplicaSpec Replica, IReadOnlyDictionary<string, string> Secrets);
