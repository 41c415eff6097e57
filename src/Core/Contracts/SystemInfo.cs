namespace GpuBench.Core.Contracts;

/// <summary>
/// What a result must record about the box it ran on: the article's system_info.txt facts plus what it missed
/// (the engine image's digest and version, GpuBench's own version).
/// </summary>
public sealed record SystemInfo(
    DateTimeOffset CollectedAt,
    string Hostname,
    string OperatingSystem,
    string Kernel,
    string Cpu,
    int LogicalCpus,
    long MemoryBytes,
    GpuInventory Gpus,
    string? DockerVersion,
    string GpuBenchVersion)
{
    /// <summary>The engine this deployment runs; filled in once a deployment is up.</summary>
    public EngineIdentity? Engine { get; init; }
}

/// <summary>The exact engine that served: image and digest (docker) or executable (process), and its version.</summary>
public sealed record EngineIdentity(string Kind, string? Image, string? ImageDigest, string? Version, bool Simulated)
{
    /// <summary>Whether vLLM was started with --otlp-traces-endpoint; null where the agent exported no traces or the engine is the simulator.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public bool? Tracing { get; init; }

    /// <summary>The image the replicas ran when it was built from <see cref="Image"/> with OpenTelemetry added (tag@id).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? TracingImage { get; init; }
}

/// <summary>The facts and the system-info.txt text rendered from them, as the agent's /host/system-info answers.</summary>
public sealed record SystemInfoReport(SystemInfo Info, string Text);
