using GpuBench.Simulator.Serving;

namespace GpuBench.Simulator.Tests.Serving;

public class EmissionStatsTests
{
    [Fact]
    public void Percentiles_of_a_few_milliseconds_are_read_to_a_tenth_of_a_millisecond()
    {
        var stats = new EmissionStats();
        // 990 chunks 0.25 ms late, 10 chunks 4.23 ms late: p99 is 0.3 ms (the 990th), p99.9 is 4.3 ms.
        stats.Record(1.0, [.. Enumerable.Repeat(1.0 - 0.00025, 990)]);
        stats.Record(2.0, [.. Enumerable.Repeat(2.0 - 0.00423, 10)]);

        var summary = stats.Snapshot();

        Assert.Equal(1000, summary.Chunks);
        Assert.Equal(0.3, summary.P50Ms, 9);
        Assert.Equal(0.3, summary.P99Ms, 9);
        Assert.Equal(4.3, summary.P999Ms, 9);
        Assert.Equal(4.23, summary.MaxMs, 6);
        Assert.Equal((990 * 0.25 + 10 * 4.23) / 1000, summary.MeanMs, 6);
    }

    [Fact]
    public void Two_reads_of_the_histogram_give_the_window_between_them()
    {
        var stats = new EmissionStats();
        stats.Record(1.0, [1.0 - 0.150]); // before the window: 150 ms late
        var (before, _) = stats.Histogram();
        stats.Record(2.0, [2.0 - 0.00125, 2.0 - 0.00125, 2.0 - 0.00305]);
        var (after, _) = stats.Histogram();

        var window = after.Zip(before, (a, b) => a - b).ToArray();

        Assert.Equal(3, window.Sum());
        Assert.Equal(1.3, EmissionStats.Percentile(window, 0.5, double.NaN), 9);
        Assert.Equal(3.1, EmissionStats.Percentile(window, 0.99, double.NaN), 9);
        Assert.Equal(200, EmissionStats.Percentile(before, 0.99, double.NaN));
    }
}
