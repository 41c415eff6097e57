namespace GpuBench.Reporting.Statistics;

/// <summary>
/// A percentile-bootstrap interval: the range that holds <see cref="Level"/> of the resampled figures, resampled
/// from <see cref="Samples"/> values of <see cref="Basis"/>.
/// </summary>
public sealed record ConfidenceInterval(double Low, double High, double Level, IntervalBasis Basis, int Samples)
{
    /// <summary>True when the two intervals have no value in common.</summary>
    public bool SeparatesFrom(ConfidenceInterval other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return High < other.Low || other.High < Low;
    }

    /// <summary>
    /// The interval of f(figure) for a monotonic <paramref name="f"/>: a decreasing one (a price over a throughput)
    /// swaps the bounds. Null when f has no value at a bound.
    /// </summary>
    public ConfidenceInterval? Through(Func<double, double?> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return f(Low) is { } low && f(High) is { } high
            ? this with { Low = Math.Min(low, high), High = Math.Max(low, high) }
            : null;
    }
}
