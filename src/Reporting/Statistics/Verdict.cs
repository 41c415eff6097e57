namespace GpuBench.Reporting.Statistics;

/// <summary>What a comparison of two configurations may say.</summary>
public enum Verdict
{
    /// <summary>The intervals separate: the better figure is better beyond the noise measured.</summary>
    Winner,

    /// <summary>The intervals overlap, or one has none: the difference may be noise.</summary>
    Tie,
}
