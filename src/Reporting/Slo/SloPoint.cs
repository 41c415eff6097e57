using GpuBench.Core.Config;
using GpuBench.Reporting.Runs;

namespace GpuBench.Reporting.Slo;

/// <summary>
/// One load point of one configuration over its repeats. Its attainment is pooled: the good requests of every repeat
/// over all their requests; a point with any failed request never meets the SLO (<see cref="SloSpec.IsMetBy"/>).
/// Its figures for the charts are the means over the repeats.
/// </summary>
public sealed record SloPoint
{
    public required LoadPoint Load { get; init; }

    /// <summary>The runs of the point, by repeat.</summary>
    public required IReadOnlyList<BenchmarkRun> Runs { get; init; }

    /// <summary>Why a search chose the point (sweep.json's "why"); null for a grid or without sweep.json.</summary>
    public string? Why { get; init; }

    public int FailedRequests => Runs.Sum(r => r.FailedRequests);

    /// <summary>Good requests over all requests of every repeat; null when a run did not record its attainment.</summary>
    public double? Attainment =>
        Runs.All(r => r.Metrics.SloAttainment is not null) && Runs.Sum(r => r.RequestedPrompts) is > 0 and var all
            ? Runs.Sum(r => r.Metrics.SloAttainment!.Value * r.RequestedPrompts) / all
            : null;

    public bool MeetsSlo(SloSpec slo)
    {
        ArgumentNullException.ThrowIfNull(slo);
        return Attainment is { } attainment && slo.IsMetBy(attainment, FailedRequests);
    }

    public double OutputTokensPerS => Runs.Average(r => r.Metrics.OutputTokensPerS);

    public double? TtftP99Ms => Mean(r => r.Metrics.Ttft.P99Ms);

    public double? TpotP99Ms => Mean(r => r.Metrics.Tpot.P99Ms);

    public double? E2elP99Ms => Mean(r => r.Metrics.E2el.P99Ms);

    private double? Mean(Func<BenchmarkRun, double?> figure) =>
        Runs.Select(figure).ToList() is var values && values.All(v => v is not null) ? values.Average() : null;
}
