using System.Globalization;

namespace GpuBench.Simulator.Cli;

/// <summary>
/// Parses a `vllm serve` command line (`serve MODEL --flag value`, `--flag=value`, `--model MODEL`) into
/// <see cref="SimulatorOptions"/>, so the simulator starts from exactly the argv vLLM would get. Unknown flags are
/// accepted and reported as warnings; the GPU to simulate comes from --sim-gpu / --sim-gpu-count or the
/// GPUBENCH_SIM_GPU / GPUBENCH_SIM_GPU_COUNT environment variables.
/// </summary>
public static class VllmArguments
{
    // vLLM flags that take no value; any other unknown flag followed by a non-flag token takes it as its value.
    private static readonly HashSet<string> Switches = new(StringComparer.Ordinal)
    {
        "trust-remote-code", "enable-expert-parallel", "enable-prefix-caching", "no-enable-prefix-caching",
        "enforce-eager", "disable-log-requests", "disable-log-stats", "enable-chunked-prefill",
        "no-enable-chunked-prefill", "enable-auto-tool-choice", "disable-custom-all-reduce", "async-scheduling",
        "disable-frontend-multiprocessing", "enable-log-requests", "headless",
    };

    public static SimulatorOptions Parse(IReadOnlyList<string> args, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var options = new SimulatorOptions();
        var engine = options.Engine;
        var served = new List<string>();
        var warnings = new List<string>();
        string? model = null;
        string? gpu = environment(SimulatorOptions.GpuVariable);
        int? gpuCount = ParseIntOrNull(environment(SimulatorOptions.GpuCountVariable), SimulatorOptions.GpuCountVariable);

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (arg == "serve" && i == 0)
                {
                    continue;
                }

                if (model is null)
                {
                    model = arg;
                    continue;
                }

                warnings.Add($"Ignoring unexpected argument '{arg}'.");
                continue;
            }

            var name = arg[2..].Replace('_', '-');
            string? inline = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                inline = name[(equals + 1)..];
                name = name[..equals];
            }

            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"--{name} needs a value.");
                }

                return args[++i];
            }

            int Int() => ParseInt(Value(), name);

            switch (name)
            {
                case "model": model = Value(); break;
                case "served-model-name":
                    served.Add(Value());
                    while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        served.Add(args[++i]);
                    }

                    break;
                case "host": options = options with { Host = Value() }; break;
                case "port": options = options with { Port = Int() }; break;
                case "tensor-parallel-size" or "tp": engine = engine with { TensorParallel = Int() }; break;
                case "pipeline-parallel-size" or "pp": engine = engine with { PipelineParallel = Int() }; break;
                case "data-parallel-size" or "dp": options = options with { DataParallel = Int() }; break;
                case "max-model-len": engine = engine with { MaxModelLen = Int() }; break;
                case "max-num-seqs": engine = engine with { MaxNumSeqs = Int() }; break;
                case "max-num-batched-tokens": engine = engine with { MaxNumBatchedTokens = Int() }; break;
                case "block-size": engine = engine with { BlockSize = Int() }; break;
                case "kv-cache-dtype": engine = engine with { KvCacheDtype = Value() }; break;
                case "gpu-memory-utilization":
                    engine = engine with { GpuMemoryUtilization = double.Parse(Value(), CultureInfo.InvariantCulture) };
                    break;
                case "otlp-traces-endpoint": options = options with { OtlpTracesEndpoint = Value() }; break;
                case "sim-gpu": gpu = Value(); break;
                case "sim-gpu-count": gpuCount = Int(); break;
                case "sim-ground-truth-log": options = options with { GroundTruthLog = Value() }; break;
                case "sim-eos-mean-tokens": options = options with { EosMeanTokens = Int() }; break;
                default:
                    if (inline is null && !Switches.Contains(name) && i + 1 < args.Count
                        && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        warnings.Add($"Ignoring --{name} {args[++i]} (no effect in the simulator).");
                    }
                    else
                    {
                        warnings.Add($"Ignoring --{name}{(inline is null ? "" : "=" + inline)} (no effect in the simulator).");
                    }

                    break;
            }
        }

        return options with
        {
            Model = model ?? options.Model,
            ServedModelNames = served,
            Engine = engine,
            Gpu = gpu ?? options.Gpu,
            GpuCount = gpuCount,
            Warnings = warnings,
        };
    }

    private static int ParseInt(string value, string name) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new ArgumentException($"--{name} expects an integer, got '{value}'.");

    private static int? ParseIntOrNull(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? null : ParseInt(value, name);
}
