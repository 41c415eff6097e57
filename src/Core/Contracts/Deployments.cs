using System.Text.Json.Serialization;
using GpuBench.Core.Config;
using GpuBench.Core.Planning;

namespace GpuBench.Core.Contracts;

/// <summary>
/// The engine of one deployment: config.yml's engine settings plus what the agent needs to launch it (the model as
/// the engine loads it, the model cache, the process command). The layout adds the per-replica parts.
/// </summary>
public sealed record EngineLaunch
{
    public EngineSettings Settings { get; init; } = new();

    /// <summary>The model as the engine loads it: a Hugging Face id or a path inside the model cache.</summary>
    public required string Model { get; init; }

    /// <summary>The name clients ask for; the model id when empty.</summary>
    public string? ServedModelName { get; init; }

    /// <summary>Executable and leading arguments (runtime process), e.g. ["vllm", "serve"] or the simulator's path.</summary>
    public string[] Command { get; init; } = ["vllm", "serve"];

    /// <summary>vLLM's --trust-remote-code: config.yml's model `trust_remote_code`, off unless set.</summary>
    public bool TrustRemoteCode { get; init; }

    /// <summary>The model cache on the host, mounted at the same path in containers (the article: /hf_models).</summary>
    public string? ModelCacheDir { get; init; }

    /// <summary>The repository's branch, tag or commit to provision (config.yml's model `revision`); null: main.</summary>
    public string? Revision { get; init; }

    /// <summary>Glob patterns of the repository files to provision (config.yml's model `files`); empty: the engine's defaults.</summary>
    public string[] FilePatterns { get; init; } = [];

    public long ShmSizeBytes { get; init; } = 16L * 1024 * 1024 * 1024;

    public string EffectiveServedModelName => string.IsNullOrWhiteSpace(ServedModelName) ? Model : ServedModelName;
}

/// <summary>POST /deployments: start this layout of this engine and a gateway over it.</summary>
public sealed record DeploymentRequest
{
    /// <summary>Labels every container and names the deployment in logs.</summary>
    public required string Campaign { get; init; }

    /// <summary>The run in the campaign's matrix this deployment serves (server/model/layout), for labels.</summary>
    public required string Run { get; init; }

    public RuntimeKind Runtime { get; init; } = RuntimeKind.Docker;
    public required Layout Layout { get; init; }
    public required EngineLaunch Engine { get; init; }

    /// <summary>How the gateway spreads requests over the replicas.</summary>
    public GatewayPolicy GatewayPolicy { get; init; } = GatewayPolicy.LeastRequests;

    /// <summary>Secret: reaches the engines' environment only. Never echoed back, rendered or logged.</summary>
    public string? HuggingFaceToken { get; init; }

    /// <summary>How long every replica has to answer /health and list the model; loading 70B weights takes minutes.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>Never the HF token: records print in logs and exception messages.</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"DeploymentRequest {{ Campaign = {Campaign}, Run = {Run}, Runtime = {Runtime}, Layout = {Layout}, Engine = {Engine}, " +
        $"GatewayPolicy = {GatewayPolicy}, HuggingFaceToken = {(HuggingFaceToken is null ? "" : "<redacted>")}, ReadyTimeout = {ReadyTimeout} }}");
}

[JsonConverter(typeof(JsonStringEnumConverter<DeploymentState>))]
public enum DeploymentState
{
    Starting,
    Ready,
    Failed,
    Stopped,
}

/// <summary>GET /deployments/{id}: where a deployment stands, and what a result needs to record about it.</summary>
public sealed record DeploymentStatus(
    string Id,
    string Campaign,
    string Run,
    RuntimeKind Runtime,
    string Layout,
    DeploymentState State,
    string? Error,
    string? GatewayUrl,
    IReadOnlyList<ReplicaStatus> Replicas,
    EngineIdentity? Engine,
    RenderedDeployment Rendered,
    DateTimeOffset CreatedAt)
{
    /// <summary>The model's provisioning into the box's cache before the engines start; null when there was none (sim, a local path).</summary>
    public ModelProvisioningStatus? Provisioning { get; init; }

    /// <summary>The engine image's pull while it runs (bytes of its layers); null when the box had the image.</summary>
    public ProvisioningTransfer? ImagePull { get; init; }

    /// <summary>What the deployment runs without, and why (e.g. vLLM started without tracing); empty when nothing.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Seconds from the first replica's start until every replica served the model (load, compile, CUDA graphs); null until then.</summary>
    public double? EngineStartSeconds { get; init; }
}

/// <summary>A model being put into (or found in) the box's Hugging Face cache: live progress, then the outcome.</summary>
public sealed record ModelProvisioningStatus(string Model, string Revision)
{
    /// <summary>The latest transfer figures while files are being fetched.</summary>
    public ProvisioningTransfer? Progress { get; init; }

    /// <summary>Set once provisioning has ended, successfully or not.</summary>
    public ProvisioningOutcomeRecord? Result { get; init; }
}

/// <summary>Transfer so far; bytes and bytes per second, never bits.</summary>
public sealed record ProvisioningTransfer(
    long BytesDone, long BytesTotal, double BytesPerSecond, double? SecondsLeft, int FilesDone, int FilesTotal, string? CurrentFile, string Text);

/// <summary>
/// What provisioning did, as the run record keeps it. Sizes in bytes, rates in bytes per second and MB/s (10^6 bytes).
/// <see cref="FromCache"/>: nothing was transferred; <see cref="FromCacheOnly"/>: the Hub was not consulted.
/// </summary>
public sealed record ProvisioningOutcomeRecord(
    string Outcome,
    string? Commit,
    int FileCount,
    long TotalBytes,
    int FilesDownloaded,
    long BytesDownloaded,
    double Seconds,
    double DownloadBytesPerSecond,
    double DownloadMegabytesPerSecond,
    bool FromCache,
    bool FromCacheOnly,
    string? Error);

/// <summary>One replica: where it listens on the box and what runs it (container id or process id).</summary>
public sealed record ReplicaStatus(int Index, IReadOnlyList<int> GpuIds, string Url, string? RuntimeId, bool Ready, string? Error);

/// <summary>
/// The deployment as a person would reproduce it by hand: compose.yaml (docker runtime only) and command lines,
/// with secrets named but never given.
/// </summary>
public sealed record RenderedDeployment(string? ComposeYaml, string CommandText);
