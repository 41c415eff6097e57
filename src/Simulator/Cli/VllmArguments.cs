using System.Globalization;
using GpuBench.Core.Engines;

namespace GpuBench.Simulator.Cli;

/// <summary>
/// Parses a `vllm serve` command line (`serve MODEL --flag value`, `--flag=value`, `--model MODEL`) into
/// <see cref="SimulatorOptions"/>, so the simulator starts from exactly the argv vLLM would get. What the pinned
/// vLLM refuses (its contract, src/Core/Engines/vllm-cli.yml: `--model` after `serve`, a positional model for the
/// api_server entrypoint, a malformed value, an OTLP protocol it has no exporter for, a flag whose optional package
/// is missing) is refused with vLLM's message (<see cref="VllmCliException"/>). Flags the contract does not list are
/// accepted and reported as warnings; the GPU to simulate comes from --sim-gpu / --sim-gpu-count or the
/// GPUBENCH_SIM_GPU / GPUBENCH_SIM_GPU_COUNT environment variables.
/// </summary>
public static class VllmArguments
{
    /// <summary>
    /// Comma-separated optional packages (as the contract names them, e.g. "opentelemetry") the simulated vLLM
    /// install lacks, so the simulator stands in for an image without them.
    /// </summary>
    public const string MissingPackagesVariable = "GPUBENCH_SIM_MISSING_PACKAGES";

    public static SimulatorOptions Parse(IReadOnlyList<string> args, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        Enforce(args, environment);
        var options = new SimulatorOptions();
        var engine = options.Engine;
        var served = new List<string>();
        var warnings = new List<string>();
        string? model = null;
        var gpu = environment(SimulatorOptions.GpuVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
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
                    if (inline is null && !IsSwitch(name) && i + 1 < args.Count
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

    /// <summary>Throws what the pinned vLLM would refuse this command line and environment with.</summary>
    private static void Enforce(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var contract = VllmCliContract.Pinned;
        var entrypoint = args.Count > 0 && args[0] == VllmCliContract.ServeSubcommand ? VllmEntrypoint.Serve : VllmEntrypoint.ApiServer;
        // The simulator's own flags are not vLLM's: read the rest as vLLM would.
        var check = contract.Check([.. WithoutSimulatorFlags(args)], entrypoint);
        var missing = (environment(MissingPackagesVariable) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var error = check.Error
            ?? contract.CheckPackages(check, missing)
            ?? (check.Has("--otlp-traces-endpoint") ? contract.CheckOtlpProtocol(environment(contract.OtlpProtocolVariable)) : null);
        if (error is not null)
        {
            throw new VllmCliException(error);
        }
    }

    /// <summary>A flag the contract knows to take no value; any other unknown flag followed by a non-flag token takes it as its value.</summary>
    private static bool IsSwitch(string name) =>
        VllmCliContract.Pinned.Flags.TryGetValue("--" + name, out var flag) && !flag.TakesValue;

    private static IEnumerable<string> WithoutSimulatorFlags(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].StartsWith("--sim-", StringComparison.Ordinal))
            {
                i += args[i].Contains('=', StringComparison.Ordinal) ? 0 : 1;
                continue;
            }

            yield return args[i];
        }
    }

    private static int ParseInt(string value, string name) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new ArgumentException($"--{name} expects an integer, got '{value}'.");

    private static int? ParseIntOrNull(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? null : ParseInt(value, name);
}
