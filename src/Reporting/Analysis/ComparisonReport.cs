using GpuBench.Reporting.Pricing;

namespace GpuBench.Reporting.Analysis;

/// <summary>What a report says: one section per model, under one price table.</summary>
public sealed record ComparisonReport(IReadOnlyList<ModelReport> Models, PriceTable Prices)
{
    public IEnumerable<ConfigurationRow> Rows => Models.SelectMany(m => m.Rows);
}
