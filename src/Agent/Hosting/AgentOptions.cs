namespace GpuBench.Agent.Hosting;

/// <summary>The agent's settings (section "Agent").</summary>
public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>The campaign's bearer token; every call but /health and /alive must carry it.</summary>
    public string Token { get; set; } = "";

    /// <summary>
    /// Where run results wait for the controller's acknowledgement and engine logs are kept. Not a temp folder:
    /// a result must survive the box's reboot too (~/.local/share/gpubench/agent).
    /// </summary>
    public string DataDirectory { get; set; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "gpubench", "agent");

    /// <summary>The GPUs to simulate when the box has no nvidia-smi.</summary>
    public SimulatedGpuOptions SimulatedGpus { get; set; } = new();

    /// <summary>The Docker Engine endpoint.</summary>
    public string DockerEndpoint { get; set; } = "unix:///var/run/docker.sock";

    /// <summary>The gateway executable and leading arguments, e.g. ["dotnet", "GpuBench.Gateway.dll"].</summary>
    public List<string> GatewayCommand { get; set; } = [];

    /// <summary>
    /// The Hugging Face Hub (or mirror) models are provisioned from; unset: HF_ENDPOINT as huggingface_hub reads
    /// it, else https://huggingface.co. The deployment's HF token is sent to this origin only.
    /// </summary>
    public string? HubEndpoint { get; set; }

    /// <summary>
    /// How long an engine or gateway has to exit after SIGTERM (docker stop's timeout for containers) before it is
    /// killed; vLLM uses it to stop its workers and free its shared memory.
    /// </summary>
    public TimeSpan StopGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long pulling an engine image may take before the deployment fails (a multi-GB vLLM image on a slow link takes minutes).</summary>
    public TimeSpan ImagePullTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long building the engine image with OpenTelemetry added may take before tracing is given up for the deployment.</summary>
    public TimeSpan ImageBuildTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// vLLM's persistent caches on this box (torch.compile, Triton and inductor kernels), mounted into every vLLM
    /// replica at the same path, so a model's second start skips recompiling. Empty: `engine-cache` in the data directory.
    /// </summary>
    public string EngineCacheDirectory { get; set; } = "";

    /// <summary>
    /// Where a deployment's model cache (config.yml's `hf_home`) may be: anywhere under one of these roots (`~/` is
    /// the agent user's home), never in a system path. Docker mounts it read-write into a root container.
    /// </summary>
    public List<string> ModelCacheRoots { get; set; } = ["/hf_models", "/models", "/data", "/mnt", "/workspace", "/tmp", "~/.cache/huggingface"];

    /// <summary>
    /// How long the agent keeps its runs and deployments without a call from the controller (every authenticated
    /// call renews it); then it tears them down. Zero or less: never.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long one benchmark request may take, queueing included, before it counts as failed (timeout).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a short command (nvidia-smi, lscpu) may take before it is killed and counted as failed.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often GPU and engine telemetry is sampled during a run.</summary>
    public TimeSpan TelemetryInterval { get; set; } = TimeSpan.FromSeconds(1);
}

public sealed class SimulatedGpuOptions
{
    public string Type { get; set; } = "pro6000";
    public int Count { get; set; } = 1;
}
