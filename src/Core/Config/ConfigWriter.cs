using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GpuBench.Core.Config;

/// <summary>
/// Writes a config back as config.yml with every default spelt out: the effective settings a campaign ran with,
/// for its results folder. Reading the output gives the same config again.
/// </summary>
public static class ConfigWriter
{
    public static string ToYaml(BenchConfig config)
    {
        var root = new YamlMappingNode
        {
            { "results_dir", Text(config.ResultsDir) },
            { "prices", Map(config.Prices.Select(p => (p.Key, (YamlNode)Number(p.Value)))) },
            { "engine", Engine(config.Engine) },
            { "workloads", new YamlSequenceNode(config.Workloads.Select(Workload)) },
            { "models", Map(config.Models.Select(m => (m.Name, (YamlNode)Model(m)))) },
            { "servers", new YamlSequenceNode(config.Servers.Select(Server)) },
            { "secrets", new YamlMappingNode { { "hf_token_env", Text(config.Secrets.HfTokenEnv) } } },
            { "telemetry", new YamlMappingNode { { "trace_sampling_ratio", Number(config.Telemetry.TraceSamplingRatio) } } },
        };

        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static YamlMappingNode Engine(EngineSettings engine)
    {
        var map = new YamlMappingNode
        {
            { "kind", Text(engine.Kind == EngineKind.Sim ? "sim" : "vllm") },
            { "image", Text(engine.Image) },
            { "max_model_len", Number(engine.MaxModelLen) },
            { "kv_cache_dtype", Text(engine.KvCacheDtype) },
            { "gpu_memory_utilization", Number(engine.GpuMemoryUtilization) },
        };
        Optional(map, "max_num_seqs", engine.MaxNumSeqs);
        AddArgsAndEnv(map, engine.ExtraArgs, engine.Env, engine.Command);
        return map;
    }

    private static YamlMappingNode Overrides(EngineOverrides engine)
    {
        var map = new YamlMappingNode();
        if (engine.Kind is { } kind)
        {
            map.Add("kind", Text(kind == EngineKind.Sim ? "sim" : "vllm"));
        }

        if (engine.Image is { } image)
        {
            map.Add("image", Text(image));
        }

        Optional(map, "max_model_len", engine.MaxModelLen);
        if (engine.KvCacheDtype is { } dtype)
        {
            map.Add("kv_cache_dtype", Text(dtype));
        }

        if (engine.GpuMemoryUtilization is { } utilization)
        {
            map.Add("gpu_memory_utilization", Number(utilization));
        }

        Optional(map, "max_num_seqs", engine.MaxNumSeqs);
        AddArgsAndEnv(map, engine.ExtraArgs, engine.Env, engine.Command);
        return map;
    }

    private static YamlMappingNode Workload(WorkloadSpec w)
    {
        var map = new YamlMappingNode { { "name", Text(w.Name) } };
        if (w.Dataset is null)
        {
            // A dataset sets the lengths; the random dataset's are only written where they apply.
            map.Add("input_len", Number(w.InputLen));
            map.Add("output_len", Number(w.OutputLen));
        }

        map.Add("num_prompts", Number(w.NumPrompts));
        Optional(map, "max_concurrency", w.MaxConcurrency);
        map.Add("request_rate", double.IsPositiveInfinity(w.RequestRate) ? Text("inf") : Number(w.RequestRate));
        map.Add("burstiness", Number(w.Burstiness));
        map.Add("range_ratio", Number(w.RangeRatio));
        map.Add("prefix_len", Number(w.PrefixLen));
        map.Add("seed", Number(w.Seed));
        map.Add("num_warmups", Number(w.NumWarmups));
        map.Add("ignore_eos", Plain(w.IgnoreEos ? "true" : "false"));
        map.Add("backend", Text(w.Backend == WorkloadBackend.OpenAi ? "openai" : "openai-chat"));
        map.Add("endpoint", Text(w.Endpoint));
        if (w.Dataset is { } dataset)
        {
            map.Add("dataset", Dataset(dataset));
        }

        if (w.Slo is { } slo)
        {
            map.Add("slo", Slo(slo));
        }

        if (w.Sweep is { } sweep)
        {
            map.Add("sweep", Sweep(sweep));
        }

        map.Add("repeats", Number(w.Repeats));
        return map;
    }

    private static YamlMappingNode Slo(SloSpec slo)
    {
        var map = new YamlMappingNode();
        foreach (var (key, bound) in new[] { ("ttft_ms", slo.TtftMs), ("tpot_ms", slo.TpotMs), ("e2el_ms", slo.E2elMs) })
        {
            if (bound is { } ms)
            {
                map.Add(key, Number(ms));
            }
        }

        map.Add("attainment", Number(slo.Attainment));
        return map;
    }

    private static YamlMappingNode Sweep(SweepSpec sweep)
    {
        var key = sweep.Kind == LoadKind.MaxConcurrency ? "max_concurrency" : "request_rate";
        if (!sweep.Search)
        {
            return new YamlMappingNode { { key, new YamlSequenceNode(sweep.Grid.Select(Number)) { Style = YamlDotNet.Core.Events.SequenceStyle.Flow } } };
        }

        return new YamlMappingNode { { "search", Plain(key) }, { "min", Number(sweep.Min ?? 0) }, { "max", Number(sweep.Max ?? 0) } };
    }

    private static YamlMappingNode Dataset(DatasetSpec d)
    {
        var map = new YamlMappingNode { { "name", Text(d.Name) } };
        if (d.Path is { } path)
        {
            map.Add("path", Text(path));
        }

        Optional(map, "sharegpt_output_len", d.SharegptOutputLen);
        Optional(map, "custom_output_len", d.CustomOutputLen);
        Optional(map, "sonnet_input_len", d.SonnetInputLen);
        Optional(map, "sonnet_output_len", d.SonnetOutputLen);
        Optional(map, "sonnet_prefix_len", d.SonnetPrefixLen);
        Optional(map, "prefix_repetition_prefix_len", d.PrefixRepetitionPrefixLen);
        Optional(map, "prefix_repetition_suffix_len", d.PrefixRepetitionSuffixLen);
        Optional(map, "prefix_repetition_num_prefixes", d.PrefixRepetitionNumPrefixes);
        Optional(map, "prefix_repetition_output_len", d.PrefixRepetitionOutputLen);
        if (d.TraceTimeScale is { } scale)
        {
            map.Add("trace_time_scale", Number(scale));
        }

        if (d.ThinkTime is { } think)
        {
            map.Add("think_time", Number(think));
        }

        foreach (var (key, on) in new[]
        {
            ("custom_skip_chat_template", d.CustomSkipChatTemplate), ("disable_shuffle", d.DisableShuffle), ("no_oversample", d.NoOversample),
            ("multi_turn", d.MultiTurn),
        })
        {
            if (on)
            {
                map.Add(key, Plain("true"));
            }
        }

        return map;
    }

    private static YamlMappingNode Model(ModelSpec m)
    {
        var map = new YamlMappingNode { { "id", Text(m.Id) } };
        if (m.WeightsGb is { } weights)
        {
            map.Add("weights_gb", Number(weights));
        }

        Optional(map, "replicas", m.Replicas);
        Optional(map, "tp", m.TensorParallel);
        Optional(map, "pp", m.PipelineParallel);
        if (m.Revision is { } revision)
        {
            map.Add("revision", Text(revision));
        }

        if (m.Files.Count > 0)
        {
            map.Add("files", new YamlSequenceNode(m.Files.Select(Text)));
        }

        if (m.TrustRemoteCode)
        {
            map.Add("trust_remote_code", Plain("true"));
        }

        AddOverrides(map, m.Engine);
        return map;
    }

    private static YamlMappingNode Server(ServerSpec s)
    {
        var map = new YamlMappingNode { { "name", Text(s.Name) } };
        if (s.Ssh is { } ssh)
        {
            var sshMap = new YamlMappingNode
            {
                { "host", Text(ssh.Host) },
                { "port", Number(ssh.Port) },
                { "user", Text(ssh.User) },
                { "key", Text(ssh.KeyPath) },
            };
            if (ssh.HostKey is { } hostKey)
            {
                sshMap.Add("host_key", Text(hostKey));
            }

            sshMap.Add("trust_on_first_use", Plain(ssh.TrustOnFirstUse ? "true" : "false"));
            map.Add("ssh", sshMap);
        }
        else
        {
            map.Add("local", Plain("true"));
        }

        map.Add("gpu", new YamlMappingNode { { "type", Text(s.Gpu.Type) }, { "count", Number(s.Gpu.Count) } });
        map.Add("models", new YamlSequenceNode(s.Models.Select(Text)));
        map.Add("workloads", new YamlSequenceNode(s.Workloads.Select(Text)));
        map.Add("runtime", Text(s.Runtime == RuntimeKind.Process ? "process" : "docker"));
        map.Add("hf_home", Text(s.HfHome));
        AddOverrides(map, s.Engine);
        map.Add("gateway", new YamlMappingNode { { "policy", Text(PolicyName(s.Gateway.Policy)) } });
        return map;
    }

    private static string PolicyName(GatewayPolicy policy) => policy switch
    {
        GatewayPolicy.RoundRobin => "round-robin",
        GatewayPolicy.PowerOfTwo => "power-of-two",
        GatewayPolicy.QueueAware => "queue-aware",
        _ => "least-requests",
    };

    private static void AddOverrides(YamlMappingNode map, EngineOverrides engine)
    {
        if (Overrides(engine) is { Children.Count: > 0 } overrides)
        {
            map.Add("engine", overrides);
        }
    }

    private static void AddArgsAndEnv(
        YamlMappingNode map, IReadOnlyList<string> extraArgs, IReadOnlyDictionary<string, string> env, IReadOnlyList<string>? command)
    {
        if (extraArgs.Count > 0)
        {
            map.Add("extra_args", new YamlSequenceNode(extraArgs.Select(Text)));
        }

        if (env.Count > 0)
        {
            map.Add("env", Map(env.Select(e => (e.Key, (YamlNode)Text(e.Value)))));
        }

        // Unset stays unset: the default program is the controller's, not config.yml's.
        if (command is not null)
        {
            map.Add("command", new YamlSequenceNode(command.Select(Text)));
        }
    }

    private static void Optional(YamlMappingNode map, string key, int? value)
    {
        if (value is { } v)
        {
            map.Add(key, Number(v));
        }
    }

    private static YamlMappingNode Map(IEnumerable<(string Key, YamlNode Value)> entries)
    {
        var map = new YamlMappingNode();
        foreach (var (key, value) in entries)
        {
            map.Add(key, value);
        }

        return map;
    }

    // Strings are always quoted, so that "1" or "true" in extra_args stay strings when read back.
    private static YamlScalarNode Text(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };

    private static YamlScalarNode Plain(string value) => new(value) { Style = ScalarStyle.Plain };

    private static YamlScalarNode Number(double value) => Plain(value.ToString("R", CultureInfo.InvariantCulture));

    private static YamlScalarNode Number(decimal value) => Plain(value.ToString(CultureInfo.InvariantCulture));

    private static YamlScalarNode Number(int value) => Plain(value.ToString(CultureInfo.InvariantCulture));
}
