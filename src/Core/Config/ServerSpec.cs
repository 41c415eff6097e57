namespace GpuBench.Core.Config;

/// <summary>How an engine replica is started on a box.</summary>
public enum RuntimeKind
{
    /// <summary>A container per replica through the Docker Engine API.</summary>
    Docker,

    /// <summary>A child process per replica (the simulator, or vLLM installed on the host).</summary>
    Process,
}

/// <summary>How the gateway spreads requests over the replicas of one deployment.</summary>
public enum GatewayPolicy
{
    LeastRequests,
    RoundRobin,
    PowerOfTwo,
    QueueAware,
}

/// <summary>One GPU box to benchmark: where it is, what GPUs it has, and what to run on it.</summary>
public sealed record ServerSpec
{
    public const string DefaultHfHome = "/hf_models";

    public required string Name { get; init; }

    /// <summary>True for the machine GpuBench runs on; otherwise <see cref="Ssh"/> says how to reach the box.</summary>
    public bool Local { get; init; }

    public SshTarget? Ssh { get; init; }

    public required GpuSpec Gpu { get; init; }

    /// <summary>Names of the models (keys of config.yml's `models`) to benchmark here, in order.</summary>
    public required IReadOnlyList<string> Models { get; init; }

    /// <summary>Names of the workloads to run against each model; config.yml's default is every workload.</summary>
    public required IReadOnlyList<string> Workloads { get; init; }

    public RuntimeKind Runtime { get; init; } = RuntimeKind.Docker;

    /// <summary>The Hugging Face cache folder on the box, mounted into engine containers.</summary>
    public string HfHome { get; init; } = DefaultHfHome;

    public EngineOverrides Engine { get; init; } = EngineOverrides.None;

    public GatewaySettings Gateway { get; init; } = new(GatewayPolicy.LeastRequests);
}

/// <summary>GPU type (an id from gpus.yml) and how many of them the box has.</summary>
public sealed record GpuSpec(string Type, int Count);

/// <summary>How to reach a remote box over SSH.</summary>
public sealed record SshTarget
{
    public const int DefaultPort = 22;

    public required string Host { get; init; }

    public int Port { get; init; } = DefaultPort;

    public required string User { get; init; }

    /// <summary>Absolute path of the private key file.</summary>
    public required string KeyPath { get; init; }

    /// <summary>Pinned host key fingerprint ("SHA256:…", as ssh-keygen -lf prints it); null means known_hosts.</summary>
    public string? HostKey { get; init; }

    /// <summary>Accept and remember an unknown host key on first connection. Off unless config.yml says so.</summary>
    public bool TrustOnFirstUse { get; init; }
}

/// <summary>Gateway settings of one server.</summary>
public sealed record GatewaySettings(GatewayPolicy Policy);
