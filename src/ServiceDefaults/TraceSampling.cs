using System.Globalization;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Trace;

namespace GpuBench.ServiceDefaults;

/// <summary>
/// The trace sampler of every GpuBench process, from the standard OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG
/// variables. The decision is taken once, at the root (the load generator's client span), and every other
/// service follows its parent (ParentBased), so a request's trace is kept or dropped whole. Unsampled requests
/// still carry a traceparent (flag 00), which is what tells the gateway and the engine to drop them too.
/// </summary>
public static class TraceSampling
{
    public const string SamplerVariable = "OTEL_TRACES_SAMPLER";
    public const string ArgumentVariable = "OTEL_TRACES_SAMPLER_ARG";

    /// <summary>The sampler name for "the root decides with this ratio, the rest follow".</summary>
    public const string ParentBasedRatio = "parentbased_traceidratio";

    /// <summary>config.yml's default telemetry.trace_sampling_ratio, used when no ratio is given.</summary>
    public const double DefaultRatio = 0.1;

    /// <summary>The environment that selects a ParentBased(TraceIdRatioBased(<paramref name="ratio"/>)) sampler.</summary>
    public static IReadOnlyDictionary<string, string> Environment(double ratio) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [SamplerVariable] = ParentBasedRatio,
        [ArgumentVariable] = ratio.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The sampler the variables name (always_on, always_off, traceidratio and their parentbased_ forms);
    /// ParentBased(TraceIdRatioBased(0.1)) when unset. An unknown name or a ratio outside [0, 1] is an error, not
    /// a silent default: a campaign that was meant to trace everything must not quietly trace a tenth.
    /// </summary>
    public static Sampler FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var name = configuration[SamplerVariable];
        var argument = configuration[ArgumentVariable];
        return Create(string.IsNullOrWhiteSpace(name) ? ParentBasedRatio : name.Trim(), argument);
    }

    public static Sampler Create(string name, string? argument) => name.ToLowerInvariant() switch
    {
        "always_on" => new AlwaysOnSampler(),
        "always_off" => new AlwaysOffSampler(),
        "traceidratio" => new TraceIdRatioBasedSampler(Ratio(argument)),
        "parentbased_always_on" => new ParentBasedSampler(new AlwaysOnSampler()),
        "parentbased_always_off" => new ParentBasedSampler(new AlwaysOffSampler()),
        ParentBasedRatio => new ParentBasedSampler(new TraceIdRatioBasedSampler(Ratio(argument))),
        _ => throw new InvalidOperationException(
            $"{SamplerVariable}={name} is not a sampler GpuBench knows (always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, {ParentBasedRatio})."),
    };

    private static double Ratio(string? argument)
    {
        if (string.IsNullOrWhiteSpace(argument))
        {
            return DefaultRatio;
        }

        return double.TryParse(argument, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is >= 0 and <= 1
            ? ratio
            : throw new InvalidOperationException($"{ArgumentVariable}={argument} is not a ratio in [0, 1].");
    }
}
