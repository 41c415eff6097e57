using GpuBench.Core.Metrics;

namespace GpuBench.Core.Config;

/// <summary>
/// A workload's latency targets (<c>workloads[].slo</c>): a request is good when it meets every bound given (vLLM's
/// goodput rule, <see cref="GoodputSlo.IsMetBy"/>); a load point meets the SLO when the share of good requests among
/// all its requests, failed ones included, is at least <see cref="Attainment"/>.
/// </summary>
public sealed record SloSpec
{
    /// <summary>The share of good requests a point needs when config.yml gives none.</summary>
    public const double DefaultAttainment = 0.95;

    public double? TtftMs { get; init; }

    public double? TpotMs { get; init; }

    public double? E2elMs { get; init; }

    /// <summary>In (0, 1]: the share of requests that must be good.</summary>
    public double Attainment { get; init; } = DefaultAttainment;

    /// <summary>The per-request bounds, in the form the metrics calculator applies them (not written: the bounds above are).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public GoodputSlo Bounds => new(TtftMs, TpotMs, E2elMs);

    /// <summary>Whether a point whose share of good requests is <paramref name="attainment"/> and that had <paramref name="failed"/> failures meets the SLO: runs with failures never do.</summary>
    public bool IsMetBy(double attainment, int failed) => failed == 0 && attainment >= Attainment;
}
