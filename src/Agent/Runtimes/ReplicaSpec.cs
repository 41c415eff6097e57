using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Planning;

namespace GpuBench.Agent.Runtimes;

/// <summary>
/// One replica exactly as it will run, computed once from the layout (<see cref="DeploymentPlanner"/>) and rendered
/// from there to Engine API calls, compose.yaml, command lines or a child process. Holds no secret values: only
/// the names of the secret variables, whose values travel separately in <see cref="DeploymentPlan.Secrets"/>.
/// </summary>
public sealed record ReplicaSpec(
    ReplicaPlacement Placement,
    string Name,
    bool SimulatedGpus,
    string Image,
    IReadOnlyList<string> Executable,
    IReadOnlyList<string> EngineArguments,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string> SecretVariables,
    int HostPort,
    long ShmSizeBytes,
    string? ModelCacheDir,
    IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>vLLM's persistent compile caches on the box (Agent:EngineCacheDirectory), mounted at the same path; null for the simulator.</summary>
    public string? EngineCacheDir { get; init; }

    /// <summary>The box's directories a container gets at the same path: the model cache and the engine cache.</summary>
    public IReadOnlyList<string> Mounts => [.. new[] { ModelCacheDir, EngineCacheDir }.OfType<string>()];

    public int Index => Placement.Index;

    public IReadOnlyList<int> GpuIds => Placement.GpuIds;

    /// <summary>Where the engine listens, in a container as in a process: the box's loopback.</summary>
    public string Url => $"http://127.0.0.1:{HostPort}";
}

/// <summary>A deployment's replicas and gateway as planned, plus the secrets that only engine environments receive.</summary>
public sealed record DeploymentPlan(
    string Id,
    DeploymentRequest Request,
    IReadOnlyList<ReplicaSpec> Replicas,
    GatewaySpec Gateway,
    IReadOnlyDictionary<string, string> Secrets)
{
    public RuntimeKind Runtime => Request.Runtime;

    /// <summary>
    /// Whether vLLM replicas get --otlp-traces-endpoint (when the agent exports): false once the engine was found
    /// to lack the OpenTelemetry packages and they could not be added (EngineTracing, the deployment's warning says why).
    /// </summary>
    public bool EngineTracing { get; init; } = true;

    /// <summary>Secret values must never be printed, even by a debugger's record ToString.</summary>
    public override string ToString() => $"DeploymentPlan {Id} ({Request.Layout}, {Runtime})";
}

/// <summary>The gateway process over the replicas; its admin token is a secret like the HF token.</summary>
public sealed record GatewaySpec(IReadOnlyList<string> Command, IReadOnlyList<string> Arguments, int Port, int AdminPort)
{
    public const string AdminTokenVariable = "Gateway__Admin__Token";

    public string Url => $"http://127.0.0.1:{Port}";
}
