using GpuBench.Reporting.Charts;

namespace GpuBench.Reporting.Slo;

/// <summary>The workloads with an SLO, their charts by workload name, and the confidence level of their intervals.</summary>
public sealed record SloReport(IReadOnlyList<SloWorkload> Workloads, IReadOnlyDictionary<string, IReadOnlyList<Chart>> Charts, double Level)
{
    public static SloReport None { get; } = new([], new Dictionary<string, IReadOnlyList<Chart>>(), Statistics.Bootstrap.DefaultLevel);
}
