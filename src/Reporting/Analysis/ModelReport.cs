namespace GpuBench.Reporting.Analysis;

/// <summary>Every configuration measured for one model, and the winners among the valid ones.</summary>
public sealed record ModelReport(string Model, IReadOnlyList<ConfigurationRow> Rows)
{
    /// <summary>Highest total tokens/s among valid runs.</summary>
    public ConfigurationRow? ThroughputWinner =>
        Rows.Where(r => r.Run.IsValid).MaxBy(r => r.Run.Metrics.TotalTokensPerS);

    /// <summary>Lowest $ per million total tokens among valid, priced runs.</summary>
    public ConfigurationRow? CostWinner =>
        Rows.Where(r => r.Run.IsValid && r.UsdPerMtokTotal is not null).MinBy(r => r.UsdPerMtokTotal);
}
