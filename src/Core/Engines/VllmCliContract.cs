using System.Globalization;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace GpuBench.Core.Engines;

/// <summary>
/// The pinned vLLM's command-line contract (the embedded vllm-cli.yml, which cites the vLLM source it was read
/// from): reads a command line the way that version's argparse does and says what it would refuse, with its message.
/// The simulator's CLI refuses what this refuses; the agent's rendered command lines are checked against it.
/// </summary>
public sealed class VllmCliContract
{
    public const string ServeSubcommand = "serve";

    private readonly VllmCliContractData _data;
    private readonly Dictionary<string, string> _canonical = new(StringComparer.Ordinal);

    public VllmCliContract(VllmCliContractData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
        foreach (var (name, flag) in data.Flags)
        {
            _canonical[name] = name;
            foreach (var alias in flag.Aliases)
            {
                _canonical[alias] = name;
            }
        }
    }

    /// <summary>The contract of the version GpuBench pins (engine.image's default).</summary>
    public static VllmCliContract Pinned { get; } = LoadEmbedded();

    public string Version => _data.Version;

    public IReadOnlyDictionary<string, VllmFlag> Flags => _data.Flags;

    /// <summary>The OTLP protocols vLLM's exporter accepts in OTEL_EXPORTER_OTLP_TRACES_PROTOCOL.</summary>
    public IReadOnlyList<string> OtlpProtocols => _data.Otlp.Protocols;

    public string OtlpProtocolVariable => _data.Otlp.ProtocolVariable;

    /// <summary>The Python modules a package set (e.g. "opentelemetry") must make importable.</summary>
    public IReadOnlyList<string> Modules(string package) => _data.OptionalPackages[package].Modules;

    /// <summary>The pip requirements that provide a package set, pinned.</summary>
    public IReadOnlyList<string> Packages(string package) => _data.OptionalPackages[package].Packages;

    /// <summary>The entrypoint a command serves with: `… serve` is the CLI's subcommand, anything else the api_server module.</summary>
    public static VllmEntrypoint EntrypointOf(IReadOnlyList<string> command) =>
        command.Count > 0 && command[^1] == ServeSubcommand ? VllmEntrypoint.Serve : VllmEntrypoint.ApiServer;

    /// <summary>vLLM's refusal when <paramref name="protocol"/> (null: unset) selects no exporter it has.</summary>
    public VllmCliError? CheckOtlpProtocol(string? protocol)
    {
        var effective = string.IsNullOrEmpty(protocol) ? _data.Otlp.Default : protocol;
        return _data.Otlp.Protocols.Contains(effective, StringComparer.Ordinal)
            ? null
            : new VllmCliError(ValueError(Format(_data.Otlp.Error, effective)), _data.Otlp.ExitCode);
    }

    /// <summary>vLLM's refusal when a flag given needs a package set that is missing.</summary>
    public VllmCliError? CheckPackages(VllmCliCheck check, IReadOnlySet<string> missing)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(missing);
        foreach (var (name, _) in check.Flags)
        {
            if (_data.Flags[name].Needs is { } package && missing.Contains(package))
            {
                var data = _data.OptionalPackages[package];
                return new VllmCliError(ValueError(data.Error), data.ExitCode);
            }
        }

        return null;
    }

    /// <summary>
    /// Reads <paramref name="arguments"/> (everything after the program; for <see cref="VllmEntrypoint.Serve"/>
    /// starting with `serve`) as vLLM would, stopping at the first error.
    /// </summary>
    public VllmCliCheck Check(IReadOnlyList<string> arguments, VllmEntrypoint entrypoint)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var entry = _data.Entrypoints[entrypoint == VllmEntrypoint.Serve ? "serve" : "api_server"];
        var flags = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        var unknown = new List<string>();
        var positionals = new List<string>();
        VllmCliCheck Result(VllmCliError? error) =>
            new(entrypoint, entrypoint == VllmEntrypoint.Serve ? positionals.FirstOrDefault() : flags.LastOrDefault(f => f.Key == entry.ModelOption).Value?.LastOrDefault(),
                flags, unknown, error);
        VllmCliError Argparse(string message) => new($"{entry.Prog}: error: {message}", _data.Argparse.ExitCode);

        var start = entrypoint == VllmEntrypoint.Serve && arguments.Count > 0 && arguments[0] == ServeSubcommand ? 1 : 0;
        if (entrypoint == VllmEntrypoint.Serve && entry.ModelOptionError is { } modelOption
            && arguments.Skip(start).Any(a => a == "--model" || a.StartsWith("--model=", StringComparison.Ordinal)))
        {
            // vLLM checks this before argparse runs.
            return Result(new VllmCliError(ValueError(modelOption), entry.ModelOptionExitCode));
        }

        for (var i = start; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (!IsOption(argument))
            {
                positionals.Add(argument);
                continue;
            }

            var (given, inline) = SplitInline(argument);
            if (!_canonical.TryGetValue(Normalize(given), out var name))
            {
                // A flag this contract does not list is taken to own the value after it, as it most likely does.
                unknown.Add(given);
                i += inline is null && i + 1 < arguments.Count && !IsOption(arguments[i + 1]) ? 1 : 0;
                continue;
            }

            var flag = _data.Flags[name];
            if (!flag.TakesValue)
            {
                flags.Add(new(name, []));
                continue;
            }

            var values = new List<string>();
            if (inline is not null)
            {
                values.Add(inline);
            }
            else
            {
                while (i + 1 < arguments.Count && !IsOption(arguments[i + 1]) && (values.Count == 0 || flag.Shape == "strings"))
                {
                    values.Add(arguments[++i]);
                }
            }

            if (values.Count == 0)
            {
                return Result(Argparse(Format(flag.Shape == "strings" ? _data.Argparse.ExpectedAtLeastOne : _data.Argparse.ExpectedOne, given)));
            }

            if (ShapeError(given, flag, values[0]) is { } shapeError)
            {
                return Result(Argparse(shapeError));
            }

            flags.Add(new(name, values));
        }

        var extra = entrypoint == VllmEntrypoint.Serve ? positionals.Skip(1).ToList() : positionals;
        if (extra.Count > 0)
        {
            return Result(Argparse(Format(_data.Argparse.Unrecognized, string.Join(' ', extra))));
        }

        if (entrypoint == VllmEntrypoint.Serve && positionals.Count == 0 && entry.MissingModelError is { } missing)
        {
            return Result(new VllmCliError(ValueError(missing), entry.MissingModelExitCode));
        }

        return Result(null);
    }

    private string? ShapeError(string given, VllmFlag flag, string value) => flag.Shape switch
    {
        "int" when !int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) =>
            Format(_data.Argparse.InvalidInt, given, value),
        "float" when !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) =>
            Format(_data.Argparse.InvalidFloat, given, value),
        "human_readable_int" when !IsHumanReadableInt(value) => Format(_data.Argparse.InvalidHumanReadableInt, given, value),
        "choice" when !flag.Choices.Contains(value, StringComparer.Ordinal) =>
            Format(_data.Argparse.InvalidChoice, given, value, string.Join(", ", flag.Choices.Select(c => $"'{c}'"))),
        _ => null,
    };

    /// <summary>An integer, or a number with a k/m/g suffix (8k = 8000, 8K = 8192), as vLLM's human_readable_int reads it.</summary>
    private static bool IsHumanReadableInt(string value) =>
        System.Text.RegularExpressions.Regex.IsMatch(value, @"^(\d+|\d+(\.\d+)?[kKmMgG])$");

    /// <summary>An option, not a value: starts with '-' and is not a negative number.</summary>
    private static bool IsOption(string argument) =>
        argument.Length > 1 && argument[0] == '-' && !double.TryParse(argument, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static (string Name, string? Inline) SplitInline(string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 ? (argument[..equals], argument[(equals + 1)..]) : (argument, null);
    }

    /// <summary>vLLM's FlexibleArgumentParser accepts `--max_model_len` for `--max-model-len`.</summary>
    private static string Normalize(string name) =>
        name.StartsWith("--", StringComparison.Ordinal) ? "--" + name[2..].Replace('_', '-') : name;

    private static string ValueError(string message) => $"ValueError: {message}";

    private static string Format(string template, params object[] values) => string.Format(CultureInfo.InvariantCulture, template, values);

    private static VllmCliContract LoadEmbedded()
    {
        using var stream = typeof(VllmCliContract).Assembly.GetManifestResourceStream("GpuBench.Core.Engines.vllm-cli.yml")
            ?? throw new InvalidOperationException("vllm-cli.yml is not embedded in GpuBench.Core.");
        using var reader = new StreamReader(stream);
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        return new VllmCliContract(deserializer.Deserialize<VllmCliContractData>(reader));
    }
}
