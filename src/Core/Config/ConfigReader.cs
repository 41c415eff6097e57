using YamlDotNet.RepresentationModel;

namespace GpuBench.Core.Config;

/// <summary>
/// Turns the YAML tree of config.yml into records, checking each value's type, range and spelling on the way.
/// Values that fail are left at a neutral placeholder so that reading goes on; cross-checks between sections
/// are <see cref="ConfigValidator"/>'s job.
/// </summary>
internal sealed class ConfigReader(ConfigDiagnostics diagnostics, string baseDirectory)
{
    private static readonly string[] RootKeys = ["results_dir", "prices", "engine", "workloads", "models", "servers", "secrets", "telemetry"];
    private static readonly string[] EngineKeys = ["kind", "image", "max_model_len", "kv_cache_dtype", "gpu_memory_utilization", "max_num_seqs", "extra_args", "env", "command"];
    private static readonly string[] WorkloadKeys =
    [
        "name", "input_len", "output_len", "num_prompts", "max_concurrency", "request_rate", "burstiness", "range_ratio",
        "prefix_len", "seed", "num_warmups", "ignore_eos", "backend", "endpoint", "dataset", "slo", "sweep", "repeats",
    ];
    private static readonly string[] DatasetKeys =
    [
        "name", "path", "sharegpt_output_len", "custom_output_len", "custom_skip_chat_template", "sonnet_input_len", "sonnet_output_len",
        "sonnet_prefix_len", "prefix_repetition_prefix_len", "prefix_repetition_suffix_len", "prefix_repetition_num_prefixes",
        "prefix_repetition_output_len", "trace_time_scale", "disable_shuffle", "no_oversample", "multi_turn", "think_time",
    ];
    private static readonly string[] SloKeys = ["ttft_ms", "tpot_ms", "e2el_ms", "attainment"];
    private static readonly string[] ModelKeys = ["id", "weights_gb", "replicas", "tp", "pp", "revision", "files", "trust_remote_code", "engine"];
    private static readonly string[] ServerKeys = ["name", "local", "ssh", "gpu", "models", "workloads", "runtime", "hf_home", "engine", "gateway"];
    private static readonly string[] SshKeys = ["host", "port", "user", "key", "host_key", "trust_on_first_use"];
    private static readonly string[] GpuKeys = ["type", "count"];
    private static readonly string[] GatewayKeys = ["policy"];
    private static readonly string[] SecretsKeys = ["hf_token_env"];
    private static readonly string[] TelemetryKeys = ["trace_sampling_ratio"];

    private static readonly Dictionary<string, EngineKind> EngineKinds = new() { ["vllm"] = EngineKind.Vllm, ["sim"] = EngineKind.Sim };
    private static readonly Dictionary<string, WorkloadBackend> Backends = new()
    {
        ["openai-chat"] = WorkloadBackend.OpenAiChat,
        ["openai"] = WorkloadBackend.OpenAi,
    };
    private static readonly Dictionary<string, RuntimeKind> Runtimes = new() { ["docker"] = RuntimeKind.Docker, ["process"] = RuntimeKind.Process };
    private static readonly Dictionary<string, GatewayPolicy> Policies = new()
    {
        ["least-requests"] = GatewayPolicy.LeastRequests,
        ["round-robin"] = GatewayPolicy.RoundRobin,
        ["power-of-two"] = GatewayPolicy.PowerOfTwo,
        ["queue-aware"] = GatewayPolicy.QueueAware,
    };
    private static readonly string[] KvCacheDtypes = ["auto", "fp8", "fp8_e4m3", "fp8_e5m2"];

    public BenchConfig Read(YamlMappingNode root, string sourceName)
    {
        var map = new YamlMap(root, "", diagnostics, RootKeys);
        var engine = new EngineSettings().With(ReadEngine(map.Map("engine", EngineKeys)));
        var workloads = (map.List("workloads", required: true) ?? []).Select(item => ReadWorkload(item.Node, item.Path)).ToArray();
        var models = (map.Entries("models", required: true) ?? []).Select(ReadModel).ToArray();
        var allWorkloads = workloads.Select(w => w.Name).ToArray();
        var servers = (map.List("servers", required: true) ?? []).Select(item => ReadServer(item.Node, item.Path, engine, allWorkloads)).ToArray();

        var secrets = map.Map("secrets", SecretsKeys);
        var telemetry = map.Map("telemetry", TelemetryKeys);
        return new BenchConfig
        {
            SourceName = sourceName,
            ResultsDir = ResolvePath(map.String("results_dir") ?? "results"),
            Prices = ReadPrices(map),
            Engine = engine,
            Workloads = workloads,
            Models = models,
            Servers = servers,
            Secrets = new SecretsSettings(ReadEnvVarName(secrets) ?? SecretsSettings.DefaultHfTokenEnv),
            Telemetry = new TelemetrySettings(
                telemetry?.Number("trace_sampling_ratio", NumberRange.Ratio) ?? TelemetrySettings.DefaultTraceSamplingRatio),
        };
    }

    private Dictionary<string, decimal> ReadPrices(YamlMap root)
    {
        var prices = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (gpuType, value, path, _) in root.Entries("prices") ?? [])
        {
            if (Values.Number(value, path, NumberRange.Positive, diagnostics) is { } price)
            {
                prices[gpuType] = (decimal)price;
            }
        }

        return prices;
    }

    private string? ReadEnvVarName(YamlMap? secrets)
    {
        var name = secrets?.String("hf_token_env");
        if (name is not null && !IsEnvVarName(name))
        {
            diagnostics.Error(secrets!.Child("hf_token_env"),
                $"expected the name of an environment variable (letters, digits, '_'), got \"{name}\"");
            return null;
        }

        return name;
    }

    private EngineOverrides ReadEngine(YamlMap? map)
    {
        if (map is null)
        {
            return EngineOverrides.None;
        }

        var image = map.String("image");
        if (image is not null && EngineSettings.ImageProblem(image) is { } problem)
        {
            diagnostics.Error(map.Child("image"), problem);
            image = null;
        }

        var kvCacheDtype = map.String("kv_cache_dtype");
        if (kvCacheDtype is not null && !KvCacheDtypes.Contains(kvCacheDtype))
        {
            diagnostics.Error(map.Child("kv_cache_dtype"),
                $"expected one of {string.Join(", ", KvCacheDtypes)}, got \"{kvCacheDtype}\"{Suggestions.DidYouMean(kvCacheDtype, KvCacheDtypes)}");
            kvCacheDtype = null;
        }

        var env = map.StringMap("env") ?? new Dictionary<string, string>();
        foreach (var name in env.Keys.Where(name => !IsEnvVarName(name)))
        {
            diagnostics.Error($"{map.Child("env")}.{name}", "expected an environment variable name (letters, digits, '_') as the key");
        }

        var kind = map.Choice("kind", EngineKinds);
        var command = ReadCommand(map);
        if (command is not null && kind == EngineKind.Sim)
        {
            diagnostics.Error(map.Child("command"),
                "kind sim runs GpuBench's simulator, which never runs command (the program serving vLLM under runtime: process); remove one of the two");
            command = null;
        }

        return new EngineOverrides
        {
            Kind = kind,
            Image = image,
            MaxModelLen = map.Int("max_model_len", 1),
            KvCacheDtype = kvCacheDtype,
            GpuMemoryUtilization = map.Number("gpu_memory_utilization", NumberRange.Fraction),
            MaxNumSeqs = map.Int("max_num_seqs", 1),
            ExtraArgs = map.StringList("extra_args") ?? [],
            Env = env,
            Command = command,
        };
    }

    /// <summary>
    /// An argv list: a single string is refused rather than split, since splitting it would mean shell rules
    /// (quotes, spaces in paths) applied to a config value.
    /// </summary>
    private string[]? ReadCommand(YamlMap map)
    {
        var path = map.Child("command");
        if (map.Node("command") is not { } node)
        {
            return null;
        }

        if (node is not YamlSequenceNode)
        {
            var hint = node is YamlScalarNode ? "; a single string is never split into words, so write each argument as its own item" : "";
            diagnostics.Error(path, node.Start,
                $"expected a list of strings, the program then its leading arguments (e.g. [/opt/vllm/.venv/bin/vllm, serve]), got {Values.Describe(node)}{hint}");
            return null;
        }

        var items = map.List("command")!;
        if (items.Count == 0)
        {
            diagnostics.Error(path, node.Start, "expected at least the program to run (e.g. [/opt/vllm/.venv/bin/vllm, serve]), got an empty list");
            return null;
        }

        var command = new List<string>();
        foreach (var (item, itemPath) in items)
        {
            if (Values.String(item, itemPath, diagnostics) is not { } text)
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                diagnostics.Error(itemPath, item.Start, "expected a non-empty argument, got an empty string");
                continue;
            }

            command.Add(text);
        }

        if (command.Count != items.Count)
        {
            return null;
        }

        if (command.Count == 1 && command[0].Any(char.IsWhiteSpace))
        {
            // A path may hold a space, so this is legal; but more often it is a whole command line in one item.
            diagnostics.Warning($"{path}[0]", items[0].Node.Start,
                $"\"{command[0]}\" is run as one program whose name contains a space, not split into words; " +
                "if it is a program and its arguments, write each as its own item");
        }

        return [.. command];
    }

    private WorkloadSpec ReadWorkload(YamlNode node, string path)
    {
        if (Values.Expect<YamlMappingNode>(node, path, "a workload mapping (name, input_len, output_len, num_prompts, …)", diagnostics)
            is not { } mapping)
        {
            return new WorkloadSpec { Name = "", InputLen = 0, OutputLen = 0, NumPrompts = 0, Endpoint = "" };
        }

        var map = new YamlMap(mapping, path, diagnostics, WorkloadKeys);
        var backend = map.Choice("backend", Backends) ?? WorkloadBackend.OpenAiChat;
        var endpoint = map.String("endpoint");
        if (endpoint is not null && !endpoint.StartsWith('/'))
        {
            diagnostics.Error(map.Child("endpoint"), $"expected a path starting with '/', e.g. {WorkloadSpec.DefaultEndpoint(backend)}, got \"{endpoint}\"");
        }

        var dataset = ReadDataset(map);
        if (dataset is { MultiTurn: true } && backend != WorkloadBackend.OpenAiChat)
        {
            diagnostics.Error(map.Child("dataset"), "multi_turn sends each turn with its history as chat messages: use backend openai-chat");
        }

        var random = dataset is null or { Name: "random" };
        var slo = ReadSlo(map);
        return new WorkloadSpec
        {
            Name = ReadName(map),
            InputLen = map.Int("input_len", 1, required: random) ?? 0,
            OutputLen = map.Int("output_len", 1, required: random) ?? 0,
            NumPrompts = map.Int("num_prompts", 1, required: true) ?? 0,
            MaxConcurrency = map.Int("max_concurrency", 1),
            RequestRate = ReadRequestRate(map),
            Burstiness = map.Number("burstiness", NumberRange.Positive) ?? 1.0,
            RangeRatio = map.Number("range_ratio", new NumberRange(0, true, 1, false, "a number in [0, 1)")) ?? 0,
            PrefixLen = map.Int("prefix_len", 0) ?? 0,
            Seed = map.Int("seed", 0) ?? 0,
            NumWarmups = map.Int("num_warmups", 0) ?? 0,
            IgnoreEos = map.Bool("ignore_eos") ?? true,
            Backend = backend,
            Endpoint = endpoint ?? WorkloadSpec.DefaultEndpoint(backend),
            Dataset = dataset is { Name: "random" } ? null : dataset,
            Slo = slo,
            Sweep = new SweepReader(diagnostics).Read(map, slo is not null),
            Repeats = map.Int("repeats", 1) ?? 1,
        };
    }

    /// <summary>workloads[].dataset: the name, the file (relative to the config's folder) and vLLM's flags for it.</summary>
    private DatasetSpec? ReadDataset(YamlMap workload)
    {
        if (workload.Map("dataset", DatasetKeys) is not { } map)
        {
            return null;
        }

        var name = map.String("name", required: true) ?? "";
        if (name.Length > 0 && !DatasetSpec.Names.Contains(name))
        {
            diagnostics.Error(map.Child("name"),
                $"unknown dataset '{name}'{Suggestions.DidYouMean(name, DatasetSpec.Names)} (known: {string.Join(", ", DatasetSpec.Names)})");
        }

        var path = map.String("path", required: DatasetSpec.FileNames.Contains(name));
        if (path is not null && !DatasetSpec.FileNames.Contains(name))
        {
            diagnostics.Error(map.Child("path"), $"dataset '{name}' reads no file; path is for {string.Join(", ", DatasetSpec.FileNames)}");
        }

        var customOutputLen = map.Int("custom_output_len", -1);
        if (customOutputLen == 0)
        {
            diagnostics.Error(map.Child("custom_output_len"), "expected at least 1, or -1 to take each line's output_tokens");
        }

        var multiTurn = map.Bool("multi_turn") ?? false;
        if (multiTurn && name != "sharegpt")
        {
            diagnostics.Error(map.Child("multi_turn"), $"multi_turn replays ShareGPT conversations turn by turn; dataset '{name}' has no turns (use name: sharegpt)");
        }

        var thinkTime = map.Number("think_time", NumberRange.NonNegative);
        if (thinkTime is not null && !multiTurn)
        {
            diagnostics.Error(map.Child("think_time"), "think_time is the pause between the turns of a conversation: set multi_turn: true");
        }

        return new DatasetSpec
        {
            Name = name,
            MultiTurn = multiTurn,
            ThinkTime = thinkTime,
            Path = path is null ? null : ResolvePath(ExpandHome(path)),
            SharegptOutputLen = map.Int("sharegpt_output_len", 1),
            CustomOutputLen = customOutputLen,
            CustomSkipChatTemplate = map.Bool("custom_skip_chat_template") ?? false,
            SonnetInputLen = map.Int("sonnet_input_len", 1),
            SonnetOutputLen = map.Int("sonnet_output_len", 1),
            SonnetPrefixLen = map.Int("sonnet_prefix_len", 0),
            PrefixRepetitionPrefixLen = map.Int("prefix_repetition_prefix_len", 0),
            PrefixRepetitionSuffixLen = map.Int("prefix_repetition_suffix_len", 1),
            PrefixRepetitionNumPrefixes = map.Int("prefix_repetition_num_prefixes", 1),
            PrefixRepetitionOutputLen = map.Int("prefix_repetition_output_len", 1),
            TraceTimeScale = map.Number("trace_time_scale", NumberRange.Positive),
            DisableShuffle = map.Bool("disable_shuffle") ?? false,
            NoOversample = map.Bool("no_oversample") ?? false,
        };
    }

    /// <summary>workloads[].slo: vLLM's goodput bounds in milliseconds and the share of requests that must meet them.</summary>
    private SloSpec? ReadSlo(YamlMap workload)
    {
        if (workload.Map("slo", SloKeys) is not { } map)
        {
            return null;
        }

        var slo = new SloSpec
        {
            TtftMs = map.Number("ttft_ms", NumberRange.Positive),
            TpotMs = map.Number("tpot_ms", NumberRange.Positive),
            E2elMs = map.Number("e2el_ms", NumberRange.Positive),
            Attainment = map.Number("attainment", NumberRange.Fraction) ?? SloSpec.DefaultAttainment,
        };
        if (!map.Has("ttft_ms") && !map.Has("tpot_ms") && !map.Has("e2el_ms"))
        {
            diagnostics.Error(map.Path, map.Start, "expected at least one bound: ttft_ms, tpot_ms or e2el_ms (milliseconds a good request stays within)");
        }

        return slo;
    }

    private double ReadRequestRate(YamlMap map)
    {
        if (map.Node("request_rate") is not { } node)
        {
            return double.PositiveInfinity;
        }

        if (node is YamlScalarNode { Value: "inf" })
        {
            return double.PositiveInfinity;
        }

        return Values.Number(node, map.Child("request_rate"), NumberRange.Positive with { Expected = "a positive number or \"inf\"" }, diagnostics)
            ?? double.PositiveInfinity;
    }

    private ModelSpec ReadModel((string Key, YamlNode Value, string Path, YamlDotNet.Core.Mark KeyStart) entry)
    {
        CheckName(entry.Key, entry.Path, entry.KeyStart, "model name");
        if (Values.Expect<YamlMappingNode>(entry.Value, entry.Path, "a model mapping (id, weights_gb, …)", diagnostics) is not { } mapping)
        {
            return new ModelSpec { Name = entry.Key, Id = "" };
        }

        var map = new YamlMap(mapping, entry.Path, diagnostics, ModelKeys);
        var id = map.String("id", required: true);
        if (id is not null && (id.Length == 0 || id.Any(char.IsWhiteSpace)))
        {
            diagnostics.Error(map.Child("id"), $"expected a Hugging Face repository id such as Qwen/Qwen3-8B, got \"{id}\"");
        }

        return new ModelSpec
        {
            Name = entry.Key,
            Id = id ?? "",
            WeightsGb = map.Number("weights_gb", NumberRange.Positive),
            Replicas = map.Int("replicas", 1),
            TensorParallel = map.Int("tp", 1),
            PipelineParallel = map.Int("pp", 1),
            Revision = map.String("revision"),
            Files = map.StringList("files") ?? [],
            TrustRemoteCode = map.Bool("trust_remote_code") ?? false,
            Engine = ReadEngine(map.Map("engine", EngineKeys)),
        };
    }

    private ServerSpec ReadServer(YamlNode node, string path, EngineSettings defaults, string[] allWorkloads)
    {
        if (Values.Expect<YamlMappingNode>(node, path, "a server mapping (name, gpu, models, …)", diagnostics) is not { } mapping)
        {
            return new ServerSpec { Name = "", Gpu = new GpuSpec("", 0), Models = [], Workloads = [] };
        }

        var map = new YamlMap(mapping, path, diagnostics, ServerKeys);
        var name = ReadName(map);
        var local = map.Bool("local") ?? false;
        var ssh = map.Map("ssh", SshKeys) is { } sshMap ? ReadSsh(sshMap) : null;
        if (local && map.Has("ssh"))
        {
            diagnostics.Error(path, map.Start, "set either 'local: true' or 'ssh', not both");
        }
        else if (!local && !map.Has("ssh"))
        {
            diagnostics.Error(path, map.Start, "missing required key 'ssh' (or 'local: true' for the machine GpuBench runs on)");
        }

        var gpu = map.Map("gpu", GpuKeys, required: true);
        var engine = ReadEngine(map.Map("engine", EngineKeys));
        var hfHome = map.String("hf_home");
        if (hfHome is not null && !hfHome.StartsWith('/'))
        {
            diagnostics.Error(map.Child("hf_home"), $"expected an absolute path on the box, got \"{hfHome}\"");
        }

        var kind = engine.Kind ?? defaults.Kind;
        return new ServerSpec
        {
            Name = name,
            Local = local,
            Ssh = ssh,
            Gpu = new GpuSpec(gpu?.String("type", required: true) ?? "", gpu?.Int("count", 1, required: true) ?? 0),
            Models = map.StringList("models", required: true) ?? [],
            Workloads = map.StringList("workloads") ?? allWorkloads,
            // The simulator is a .NET process; vLLM normally comes as a pinned image.
            Runtime = map.Choice("runtime", Runtimes) ?? (kind == EngineKind.Sim ? RuntimeKind.Process : RuntimeKind.Docker),
            HfHome = hfHome ?? ServerSpec.DefaultHfHome,
            Engine = engine,
            Gateway = new GatewaySettings(map.Map("gateway", GatewayKeys)?.Choice("policy", Policies) ?? GatewayPolicy.LeastRequests),
        };
    }

    private SshTarget ReadSsh(YamlMap map)
    {
        var port = map.Int("port", 1);
        if (port > 65535)
        {
            diagnostics.Error(map.Child("port"), $"expected a TCP port (1-65535), got \"{port}\"");
        }

        var hostKey = map.String("host_key");
        if (hostKey is not null && !IsSha256Fingerprint(hostKey))
        {
            diagnostics.Error(map.Child("host_key"),
                $"expected a SHA256 fingerprint as `ssh-keygen -lf <host key>` prints it (SHA256: and 43 base64 characters), got \"{hostKey}\"");
        }

        var key = map.String("key", required: true);
        return new SshTarget
        {
            Host = map.String("host", required: true) ?? "",
            Port = port ?? SshTarget.DefaultPort,
            User = map.String("user", required: true) ?? "",
            KeyPath = key is null ? "" : ResolvePath(ExpandHome(key)),
            HostKey = hostKey,
            TrustOnFirstUse = map.Bool("trust_on_first_use") ?? false,
        };
    }

    private string ReadName(YamlMap map)
    {
        var name = map.String("name", required: true);
        if (name is null)
        {
            return "";
        }

        CheckName(name, map.Child("name"), diagnostics.Locate(map.Child("name")), "name");
        return name;
    }

    private void CheckName(string name, string path, YamlDotNet.Core.Mark at, string what)
    {
        if (SafeNames.Problem(name) is { } problem)
        {
            diagnostics.Error(path, at,
                $"{what} \"{name}\" {problem}; it names a results folder, so use only letters, digits, '.', '_' and '-'");
        }
    }

    private static bool IsSha256Fingerprint(string value) =>
        value.StartsWith("SHA256:", StringComparison.Ordinal)
        && value.Length == "SHA256:".Length + 43
        && value["SHA256:".Length..].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/');

    internal static bool IsEnvVarName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..]
            : path;

    private string ResolvePath(string path) => Path.GetFullPath(path, baseDirectory);
}
