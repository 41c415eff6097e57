using GpuBench.Reporting.Pricing;

namespace GpuBench.Reporting.Analysis;

/// <summary>What a report says: one section per model, under one price table.</summary>
public sealed record ComparisonReport(IReadOnlyList<ModelReport> Models, PriceTable Prices)
{
    public IEnumerable<ConfigurationRow> Rows => Models.SelectMany(m => m.Rows);

    /// <summary>
    /// The report of the runs at one load, as tables, winners and charts show them: runs of a workload with an SLO
    /// are left to the SLO section, which judges them per load point; models left without a run are dropped.
    /// </summary>
    public ComparisonReport AtOneLoad() => this with
    {
        Models = [.. Models.Select(m => m with { Rows = [.. m.Rows.Where(r => r.Run.Slo is null)] }).Where(m => m.Rows.Count > 0)],
    };
}
