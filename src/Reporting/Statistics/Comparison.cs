namespace GpuBench.Reporting.Statistics;

/// <summary>
/// Two figures where lower is better (a price): <see cref="Verdict.Winner"/> only when both have intervals and they
/// separate, <see cref="Verdict.Tie"/> otherwise, so a report never crowns noise. <see cref="Margin"/> is how much
/// higher the other figure is, as a share of the better one (0.25 = 25 % more).
/// </summary>
public sealed record Comparison(Verdict Verdict, double Margin)
{
    public static Comparison OfLowerIsBetter(Estimate better, Estimate other)
    {
        ArgumentNullException.ThrowIfNull(better);
        ArgumentNullException.ThrowIfNull(other);
        if (other.Value < better.Value)
        {
            throw new ArgumentException($"The better figure ({better.Value}) must not be above the other ({other.Value}).", nameof(better));
        }

        var separate = better.Interval is { } a && other.Interval is { } b && a.SeparatesFrom(b);
        var margin = better.Value > 0 ? (other.Value - better.Value) / better.Value : 0;
        return new Comparison(separate ? Verdict.Winner : Verdict.Tie, margin);
    }
}
