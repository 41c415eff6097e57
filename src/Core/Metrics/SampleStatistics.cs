namespace GpuBench.Core.Metrics;

/// <summary>
/// The statistics numpy computes for vLLM's benchmark: mean, population std (ddof 0) and percentiles by the
/// default linear method. An empty sample gives 0 for everything, as vLLM's <c>np.mean(x or 0)</c> does.
/// </summary>
public static class SampleStatistics
{
    /// <summary>Summarises samples given in seconds into milliseconds.</summary>
    public static LatencyStats SummariseSecondsAsMs(IReadOnlyCollection<double> samplesS, IReadOnlyList<double> percentiles)
    {
        if (samplesS.Count == 0)
        {
            return LatencyStats.Empty(percentiles);
        }

        var sorted = samplesS.ToArray();
        Array.Sort(sorted);
        var mean = Mean(sorted);
        return new LatencyStats(
            mean * 1000,
            Percentile(sorted, 50) * 1000,
            PopulationStd(sorted, mean) * 1000,
            [.. percentiles.Select(p => new PercentileValue(p, Percentile(sorted, p) * 1000))]);
    }

    public static double Mean(ReadOnlySpan<double> samples)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }

        var sum = 0.0;
        foreach (var x in samples)
        {
            sum += x;
        }

        return sum / samples.Length;
    }

    public static double PopulationStd(ReadOnlySpan<double> samples, double mean)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }

        var sumSquares = 0.0;
        foreach (var x in samples)
        {
            sumSquares += (x - mean) * (x - mean);
        }

        return Math.Sqrt(sumSquares / samples.Length);
    }

    /// <summary>numpy's default (linear) percentile of an ascending-sorted sample: h = (n−1)·p/100.</summary>
    public static double Percentile(ReadOnlySpan<double> sorted, double p)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 100);
        if (sorted.IsEmpty)
        {
            return 0;
        }

        var h = (sorted.Length - 1) * p / 100;
        var lower = (int)Math.Floor(h);
        if (lower >= sorted.Length - 1)
        {
            return sorted[^1];
        }

        return sorted[lower] + ((h - lower) * (sorted[lower + 1] - sorted[lower]));
    }
}
