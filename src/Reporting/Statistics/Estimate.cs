namespace GpuBench.Reporting.Statistics;

/// <summary>A figure and its confidence interval; null when nothing to resample was kept (one run without requests.jsonl).</summary>
public sealed record Estimate(double Value, ConfidenceInterval? Interval)
{
    /// <summary>The estimate of f(figure) for a monotonic <paramref name="f"/>; null when f has no value.</summary>
    public Estimate? Through(Func<double, double?> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return f(Value) is { } value ? new Estimate(value, Interval?.Through(f)) : null;
    }
}
