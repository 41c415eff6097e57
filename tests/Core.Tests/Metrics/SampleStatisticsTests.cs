using GpuBench.Core.Metrics;

namespace GpuBench.Core.Tests.Metrics;

public class SampleStatisticsTests
{
    [Theory]
    // h = (n−1)·p/100; value = x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]), worked by hand.
    [InlineData(new[] { 1.0, 2, 3, 4 }, 99, 3.97)]      // h = 2.97
    [InlineData(new[] { 1.0, 2, 3, 4 }, 50, 2.5)]       // h = 1.5 (numpy's median)
    [InlineData(new[] { 10.0, 20, 30, 40, 50 }, 90, 46)] // h = 3.6
    [InlineData(new[] { 10.0, 20, 30, 40, 50 }, 25, 20)] // h = 1, an exact rank
    [InlineData(new[] { 10.0, 20, 30, 40, 50 }, 100, 50)]
    [InlineData(new[] { 10.0, 20, 30, 40, 50 }, 0, 10)]
    [InlineData(new[] { 7.0 }, 99, 7)]
    public void Percentile_interpolates_linearly_like_numpy(double[] sorted, double p, double expected)
    {
        Assert.Equal(expected, SampleStatistics.Percentile(sorted, p), 1e-12);
    }

    [Fact]
    public void Std_is_the_population_std()
    {
        // mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5; 5 / 4 (ddof 0) = 1.25.
        double[] x = [1, 2, 3, 4];
        Assert.Equal(Math.Sqrt(1.25), SampleStatistics.PopulationStd(x, SampleStatistics.Mean(x)), 1e-12);
    }

    [Fact]
    public void Empty_sample_gives_zero_everywhere()
    {
        var stats = SampleStatistics.SummariseSecondsAsMs([], [50, 99]);
        Assert.Equal((0.0, 0.0, (double?)0.0), (stats.Mean, stats.Median, stats.Std));
        Assert.Equal([50.0, 99.0], stats.Percentiles.Select(p => p.P));
        Assert.Equal([0.0, 0.0], stats.Percentiles.Select(p => p.Value));
    }

    [Fact]
    public void Summary_sorts_its_input_and_converts_seconds_to_ms()
    {
        var stats = SampleStatistics.SummariseSecondsAsMs([0.4, 0.1, 0.3, 0.2], [99]);
        Assert.Equal(250, stats.Mean, 1e-9);
        Assert.Equal(250, stats.Median, 1e-9);
        Assert.Equal(397, stats.At(99)!.Value, 1e-9);
        Assert.Equal(Math.Sqrt(0.0125) * 1000, stats.Std!.Value, 1e-9);
    }
}
