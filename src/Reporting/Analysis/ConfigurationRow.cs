using GpuBench.Reporting.Runs;

namespace GpuBench.Reporting.Analysis;

/// <summary>One configuration of one model as the report shows it: the run plus what its price makes of it.</summary>
public sealed record ConfigurationRow
{
    public required BenchmarkRun Run { get; init; }

    /// <summary>Unique within its model: "4× rtx4090 · 4 × 1".</summary>
    public required string Label { get; init; }

    /// <summary>Null when the GPU type has no price.</summary>
    public double? UsdPerGpuHour { get; init; }

    public double? UsdPerHour => UsdPerGpuHour * Run.GpuCount;

    /// <summary>The article's basis: the hourly price over total (input + output) tokens.</summary>
    public double? UsdPerMtokTotal => Pricing.TokenCost.UsdPerMillionTokens(UsdPerHour, Run.Metrics.TotalTokensPerS);

    /// <summary>The hourly price over generated tokens only.</summary>
    public double? UsdPerMtokOutput => Pricing.TokenCost.UsdPerMillionTokens(UsdPerHour, Run.Metrics.OutputTokensPerS);

    /// <summary>Total tokens/s per GPU against the 1-GPU configuration of the same GPU type; null without one.</summary>
    public double? ScalingEfficiency { get; init; }
}
