using System.Globalization;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Engines;

namespace GpuBench.Agent.Runtimes;

/// <summary>
/// Turns a planned layout and engine settings into the replicas to start: the engine flags (the article's
/// `--tensor-parallel-size`, `--pipeline-parallel-size`, …), ports, labels, environment and GPU ids.
/// </summary>
public static class DeploymentPlanner
{
    /// <summary>Both names Hugging Face libraries read; the article set the second.</summary>
    public static readonly string[] HuggingFaceTokenVariables = ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"];

    /// <summary>The simulator learns which GPU type it stands in for from this variable.</summary>
    public const string SimulatedGpuTypeVariable = "GPUBENCH_SIM_GPU";

    public const string HfHomeVariable = "HF_HOME";

    /// <summary>
    /// Where vLLM v0.11.0 and the libraries under it keep what they compile, each pointed into the engine cache:
    /// vLLM's torch.compile artifacts (VLLM_CACHE_ROOT, vllm/envs.py), Triton's kernels, inductor's code, and the
    /// XDG cache FlashInfer and others use. CUDA graphs are captured in GPU memory at every start and cannot be kept.
    /// </summary>
    public static readonly (string Variable, string Folder)[] EngineCacheVariables =
    [
        ("VLLM_CACHE_ROOT", "vllm"),
        ("TRITON_CACHE_DIR", "triton"),
        ("TORCHINDUCTOR_CACHE_DIR", "torchinductor"),
        ("XDG_CACHE_HOME", "xdg"),
    ];
    public const string HfHubOfflineVariable = "HF_HUB_OFFLINE";

    /// <summary>
    /// Whether the agent puts the model into the cache before the engines start: a vLLM engine loading a Hub id
    /// (not a path) with a cache to fill. The simulator loads no weights.
    /// </summary>
    public static bool ProvisionsModel(DeploymentRequest request) =>
        request.Engine.Settings.Kind == EngineKind.Vllm
        && !string.IsNullOrEmpty(request.Engine.ModelCacheDir)
        && !Path.IsPathRooted(request.Engine.Model)
        && !request.Engine.Model.StartsWith('.');

    /// <summary>
    /// Whether a replica may fetch from the Hub, and so needs the HF token: a vLLM engine not held offline. An engine
    /// the agent provisioned for runs with HF_HUB_OFFLINE=1 (so does one whose config says so), and the simulator
    /// loads nothing: neither gets the token.
    /// </summary>
    public static bool Downloads(EngineLaunch engine, IReadOnlyDictionary<string, string> environment) =>
        engine.Settings.Kind == EngineKind.Vllm
        && !(environment.TryGetValue(HfHubOfflineVariable, out var offline) && offline is "1" or "true" or "TRUE" or "True" or "yes" or "YES" or "on" or "ON");

    public static DeploymentPlan Plan(
        string id,
        DeploymentRequest request,
        GpuInventory inventory,
        IReadOnlyList<string> gatewayCommand,
        string gatewayAdminToken,
        Func<int> freePort,
        string? engineCacheDir = null)
    {
        Validate(request, inventory);
        var engine = request.Engine;
        var layout = request.Layout;
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(request.HuggingFaceToken))
        {
            foreach (var variable in HuggingFaceTokenVariables)
            {
                secrets[variable] = request.HuggingFaceToken;
            }
        }

        var replicas = layout.Placements.Select(placement =>
        {
            var hostPort = freePort();
            var environment = new SortedDictionary<string, string>(engine.Settings.Env.ToDictionary(), StringComparer.Ordinal);
            if (engine.Settings.Kind == EngineKind.Vllm && engine.ModelCacheDir is { } cache)
            {
                // vLLM finds the provisioned files where the agent put them; offline, so a missing file fails at
                // once instead of being downloaded inside the start-up time. Config's engine env wins.
                environment.TryAdd(HfHomeVariable, cache);
                if (ProvisionsModel(request))
                {
                    environment.TryAdd(HfHubOfflineVariable, "1");
                }
            }

            var engineCache = engine.Settings.Kind == EngineKind.Vllm ? engineCacheDir : null;
            foreach (var (variable, folder) in engineCache is null ? [] : EngineCacheVariables)
            {
                environment.TryAdd(variable, Path.Combine(engineCache!, folder));
            }

            if (inventory.Simulated)
            {
                environment[SimulatedGpuTypeVariable] = inventory.Gpus[placement.GpuIds[0]].GpuType ?? "";
            }

            var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                [DeploymentLabels.Managed] = "true",
                [DeploymentLabels.Campaign] = request.Campaign,
                [DeploymentLabels.Run] = request.Run,
                [DeploymentLabels.Deployment] = id,
                [DeploymentLabels.Replica] = placement.Index.ToString(CultureInfo.InvariantCulture),
            };
            return new ReplicaSpec(
                Placement: placement,
                Name: $"gpubench-{id}-replica{placement.Index}",
                SimulatedGpus: inventory.Simulated,
                Image: engine.Settings.Image,
                Executable: engine.Command,
                // On the box's loopback in either runtime: containers share the box's network (DockerContainerFactory).
                EngineArguments: EngineArguments(engine, Entrypoint(request), layout.TensorParallel, layout.PipelineParallel, hostPort),
                Environment: environment,
                SecretVariables: Downloads(engine, environment) ? [.. secrets.Keys.Order(StringComparer.Ordinal)] : [],
                HostPort: hostPort,
                ShmSizeBytes: engine.ShmSizeBytes,
                ModelCacheDir: engine.ModelCacheDir,
                Labels: labels)
            {
                EngineCacheDir = engineCache,
            };
        }).ToArray();

        var gatewayPort = freePort();
        var adminPort = freePort();
        List<string> gatewayArguments =
        [
            $"--Gateway:Deployment={id}",
            $"--Gateway:Port={gatewayPort}",
            $"--Gateway:Admin:Port={adminPort}",
            $"--Gateway:Policy={GatewayPolicyName(request.GatewayPolicy)}",
        ];
        gatewayArguments.AddRange(replicas.Select((r, i) => $"--Gateway:Replicas:{i}={r.Url}"));
        // The gateway's admin token is a secret too, but only the gateway process receives it.
        secrets[GatewaySpec.AdminTokenVariable] = gatewayAdminToken;
        return new DeploymentPlan(id, request, replicas,
            new GatewaySpec(gatewayCommand, gatewayArguments, gatewayPort, adminPort), secrets);
    }

    /// <summary>
    /// How the engine is started: a container runs the image's entrypoint (vLLM's is the api_server module, and the
    /// simulator's image stands in for it); a process runs the command, `… serve` for vLLM's CLI.
    /// </summary>
    public static VllmEntrypoint Entrypoint(DeploymentRequest request) =>
        request.Runtime == RuntimeKind.Docker ? VllmEntrypoint.ApiServer : VllmCliContract.EntrypointOf(request.Engine.Command);

    /// <summary>
    /// The engine's arguments after the program, as the article passed them: the model (positional after `serve`,
    /// `--model` for the api_server entrypoint), the model's revision for weights and tokenizer when pinned, and the
    /// engine flags; it listens on the box's loopback only. The pinned vLLM's contract (src/Core/Engines/vllm-cli.yml) accepts them.
    /// </summary>
    public static IReadOnlyList<string> EngineArguments(EngineLaunch engine, VllmEntrypoint entrypoint, int tensorParallel, int pipelineParallel, int port)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var inv = CultureInfo.InvariantCulture;
        List<string> args = entrypoint == VllmEntrypoint.Serve ? [engine.Model] : ["--model", engine.Model];
        if (!string.IsNullOrEmpty(engine.Revision))
        {
            // Offline (HF_HUB_OFFLINE) vLLM finds the provisioned snapshot only through the same revision.
            args.AddRange(["--revision", engine.Revision, "--tokenizer-revision", engine.Revision]);
        }

        args.AddRange(
        [
            "--served-model-name", engine.EffectiveServedModelName,
            "--host", "127.0.0.1",
            "--port", port.ToString(inv),
            "--tensor-parallel-size", tensorParallel.ToString(inv),
            "--pipeline-parallel-size", pipelineParallel.ToString(inv),
        ]);
        var settings = engine.Settings;
        args.AddRange(["--max-model-len", settings.MaxModelLen.ToString(inv)]);
        if (!string.IsNullOrEmpty(settings.KvCacheDtype))
        {
            args.AddRange(["--kv-cache-dtype", settings.KvCacheDtype]);
        }

        args.AddRange(["--gpu-memory-utilization", settings.GpuMemoryUtilization.ToString(inv)]);
        if (settings.MaxNumSeqs is { } maxNumSeqs)
        {
            args.AddRange(["--max-num-seqs", maxNumSeqs.ToString(inv)]);
        }

        if (engine.TrustRemoteCode)
        {
            args.Add("--trust-remote-code");
        }

        args.AddRange(settings.ExtraArgs);
        return args;
    }

    private static void Validate(DeploymentRequest request, GpuInventory inventory)
    {
        var layout = request.Layout;
        if (layout.Placements.Count != layout.Replicas)
        {
            throw new DeploymentPlanException($"The layout has {layout.Replicas} replicas but {layout.Placements.Count} placements.");
        }

        foreach (var placement in layout.Placements)
        {
            if (placement.GpuIds.Count != layout.GpusPerReplica)
            {
                throw new DeploymentPlanException(
                    $"Replica {placement.Index} has {placement.GpuIds.Count} GPUs; {layout} needs {layout.GpusPerReplica} per replica.");
            }

            var unknown = placement.GpuIds.Where(g => g < 0 || g >= inventory.Gpus.Count).ToArray();
            if (unknown.Length > 0)
            {
                throw new DeploymentPlanException(
                    $"Replica {placement.Index} asks for GPU {string.Join(',', unknown)}; this box has {inventory.Gpus.Count} GPUs (0..{inventory.Gpus.Count - 1}).");
            }
        }

        var shared = layout.Placements.SelectMany(p => p.GpuIds).GroupBy(g => g).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        if (shared.Length > 0)
        {
            throw new DeploymentPlanException($"GPU {string.Join(',', shared)} is given to more than one replica.");
        }
    }

    /// <summary>The gateway's name for a policy (src/Gateway/LoadBalancing/BalancingPolicies.cs).</summary>
    public static string GatewayPolicyName(GatewayPolicy policy) => policy switch
    {
        GatewayPolicy.RoundRobin => "round-robin",
        GatewayPolicy.PowerOfTwo => "power-of-two-choices",
        GatewayPolicy.QueueAware => "queue-aware",
        _ => "least-requests",
    };
}

/// <summary>The request cannot be laid out on this box; the message says why.</summary>
public sealed class DeploymentPlanException(string message) : Exception(message);
