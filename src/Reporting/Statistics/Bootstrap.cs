namespace GpuBench.Reporting.Statistics;

/// <summary>
/// Percentile-bootstrap confidence intervals, seeded: the same samples always give the same interval, whatever was
/// computed before. Each figure is resampled <see cref="Resamples"/> times with replacement, the figure is computed
/// on each resample, and the interval is the central <see cref="Level"/> of those figures (numpy's linear
/// percentiles).
/// </summary>
public sealed class Bootstrap
{
    public const double DefaultLevel = 0.95;
    public const int DefaultResamples = 4000;
    public const int DefaultSeed = 20261203;

    public Bootstrap(double level = DefaultLevel, int resamples = DefaultResamples, int seed = DefaultSeed)
    {
        if (!(level is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The confidence level must be in (0, 1), e.g. 0.95.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 100);
        (Level, Resamples, Seed) = (level, resamples, seed);
    }

    public double Level { get; }

    public int Resamples { get; }

    public int Seed { get; }

    /// <summary>The mean of the repeats' figures, and its interval; null interval for fewer than two repeats.</summary>
    public Estimate MeanOfRepeats(IReadOnlyList<double> repeats)
    {
        ArgumentNullException.ThrowIfNull(repeats);
        if (repeats.Count == 0)
        {
            throw new ArgumentException("No repeats to estimate from.", nameof(repeats));
        }

        var mean = repeats.Average();
        return new Estimate(mean, repeats.Count < 2 ? null : Interval(repeats, Mean, IntervalBasis.Repeats));
    }

    /// <summary>
    /// <paramref name="figure"/> of one run's requests, and its interval over resampled request sets; null interval
    /// for fewer than two requests.
    /// </summary>
    public Estimate OverRequests<T>(IReadOnlyList<T> requests, Func<IReadOnlyList<T>, double> figure)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(figure);
        return new Estimate(figure(requests), requests.Count < 2 ? null : Interval(requests, figure, IntervalBasis.Requests));
    }

    private ConfidenceInterval Interval<T>(IReadOnlyList<T> samples, Func<IReadOnlyList<T>, double> figure, IntervalBasis basis)
    {
        var random = new Random(Seed);
        var resample = new T[samples.Count];
        var figures = new double[Resamples];
        for (var r = 0; r < Resamples; r++)
        {
            for (var i = 0; i < resample.Length; i++)
            {
                resample[i] = samples[random.Next(samples.Count)];
            }

            figures[r] = figure(resample);
        }

        Array.Sort(figures);
        var tail = (1 - Level) / 2;
        return new ConfidenceInterval(Percentile(figures, tail), Percentile(figures, 1 - tail), Level, basis, samples.Count);
    }

    private static double Mean(IReadOnlyList<double> values) => values.Average();

    /// <summary>numpy's default ("linear") percentile of sorted values, <paramref name="q"/> in [0, 1].</summary>
    private static double Percentile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }
}
