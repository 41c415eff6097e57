using GpuBench.Core.Config;

namespace GpuBench.Reporting.Slo;

/// <summary>A workload with an SLO: its targets, every configuration that ran it, and which is cheapest meeting them.</summary>
public sealed record SloWorkload(string Workload, SloSpec Slo, IReadOnlyList<SloConfiguration> Configurations, IReadOnlyList<string> Notes)
{
    public CheapestAtSlo Cheapest => CheapestAtSlo.Of(Configurations);
}
