namespace GpuBench.Reporting.Statistics;

/// <summary>What a confidence interval was resampled from.</summary>
public enum IntervalBasis
{
    /// <summary>The figure of each repeat of a load point: the spread between runs (boxes, instances, days).</summary>
    Repeats,

    /// <summary>The requests of the one run of a load point: the spread within that run only.</summary>
    Requests,
}
