using GpuBench.Core.Config;
using GpuBench.Core.Planning;
using GpuBench.Reporting.Statistics;

namespace GpuBench.Reporting.Slo;

/// <summary>
/// One configuration (server × model layout) of a workload with an SLO: its load points, the highest one meeting the
/// SLO (<see cref="AtSlo"/>) and the figures there, each with its confidence interval.
/// </summary>
public sealed record SloConfiguration
{
    public required string Workload { get; init; }

    public required string Server { get; init; }

    /// <summary>The served model id.</summary>
    public required string Model { get; init; }

    public required Layout Layout { get; init; }

    public required string GpuType { get; init; }

    public required int GpuCount { get; init; }

    /// <summary>Unique within its workload: "2× rtx4090 · 2 × 1", with the server, then the model, where that alone is ambiguous.</summary>
    public required string Label { get; init; }

    public required SloSpec Slo { get; init; }

    /// <summary>Every point run, lowest load first.</summary>
    public required IReadOnlyList<SloPoint> Points { get; init; }

    public double? UsdPerGpuHour { get; init; }

    public double? UsdPerHour => UsdPerGpuHour * GpuCount;

    /// <summary>The highest load that met the SLO; null when none did.</summary>
    public SloPoint? AtSlo { get; init; }

    public Estimate? GoodputReqS { get; init; }

    public Estimate? OutputTokensPerS { get; init; }

    public Estimate? TotalTokensPerS { get; init; }

    /// <summary>$ per million output tokens at <see cref="AtSlo"/>: the hourly price over the output throughput there.</summary>
    public Estimate? UsdPerMtokOutput => OutputTokensPerS?.Through(t => Pricing.TokenCost.UsdPerMillionTokens(UsdPerHour, t));

    /// <summary>$ per million total (input + output) tokens at <see cref="AtSlo"/>, the seed article's basis.</summary>
    public Estimate? UsdPerMtokTotal => TotalTokensPerS?.Through(t => Pricing.TokenCost.UsdPerMillionTokens(UsdPerHour, t));

    /// <summary>The layout's GPUs' mean power over the output throughput at <see cref="AtSlo"/> (W / (tok/s) = J/token); null without power samples.</summary>
    public double? JoulesPerOutputToken { get; init; }

    /// <summary>Why the sweep stopped, as sweep.json says; null without one.</summary>
    public string? StopReason { get; init; }

    public LoadKind LoadKind => Points[0].Load.Kind;

    public bool Simulated => Points.Any(p => p.Runs.Any(r => r.Simulated));
}
