using GpuBench.Reporting.Statistics;

namespace GpuBench.Reporting.Tests.Statistics;

public class BootstrapTests
{
    private readonly Bootstrap _bootstrap = new();

    [Fact]
    public void Repeats_that_agree_give_an_interval_of_no_width()
    {
        var estimate = _bootstrap.MeanOfRepeats([5, 5, 5]);

        Assert.Equal(new Estimate(5, new ConfidenceInterval(5, 5, 0.95, IntervalBasis.Repeats, 3)), estimate);
    }

    [Fact]
    public void Two_repeats_bound_the_mean_by_their_own_values()
    {
        // Resampled means are 10, 11 or 12 with chances ¼, ½, ¼: the 2.5th and 97.5th percentiles are the two values.
        var estimate = _bootstrap.MeanOfRepeats([10, 12]);

        Assert.Equal(11, estimate.Value);
        Assert.Equal((10.0, 12.0), (estimate.Interval!.Low, estimate.Interval.High));
    }

    [Fact]
    public void The_interval_of_a_mean_matches_the_normal_approximation_on_a_large_sample()
    {
        // 0 … 99: mean 49.5, population sd 28.866, standard error 2.887, so 95 % ≈ 49.5 ± 5.66.
        var estimate = _bootstrap.MeanOfRepeats([.. Enumerable.Range(0, 100).Select(i => (double)i)]);

        Assert.Equal(49.5, estimate.Value);
        Assert.Equal(43.84, estimate.Interval!.Low, 0.4);
        Assert.Equal(55.16, estimate.Interval.High, 0.4);
        Assert.Equal((IntervalBasis.Repeats, 100), (estimate.Interval.Basis, estimate.Interval.Samples));
    }

    [Fact]
    public void A_lower_level_gives_a_narrower_interval()
    {
        double[] samples = [3, 9, 4, 7, 5, 8, 6, 2];
        var wide = _bootstrap.MeanOfRepeats(samples).Interval!;
        var narrow = new Bootstrap(level: 0.5).MeanOfRepeats(samples).Interval!;

        Assert.True(narrow.Low > wide.Low && narrow.High < wide.High, $"50 %: {narrow}; 95 %: {wide}");
        Assert.Equal(0.5, narrow.Level);
    }

    [Fact]
    public void The_same_seed_gives_the_same_interval_whatever_ran_before()
    {
        double[] samples = [3, 9, 4, 7, 5, 8, 6, 2];
        var first = _bootstrap.MeanOfRepeats(samples);
        _bootstrap.MeanOfRepeats([1, 100, 1000]);

        Assert.Equal(first, _bootstrap.MeanOfRepeats(samples));
        Assert.Equal(first, new Bootstrap().MeanOfRepeats(samples));
        Assert.NotEqual(first.Interval, new Bootstrap(seed: 7).MeanOfRepeats(samples).Interval);
    }

    [Fact]
    public void One_repeat_has_no_interval()
    {
        Assert.Equal(new Estimate(42, null), _bootstrap.MeanOfRepeats([42]));
    }

    [Fact]
    public void Within_one_run_the_requests_are_resampled_and_the_interval_says_so()
    {
        // 400 requests of 50 or 150 output tokens over 10 s: 4,000 tok/s; the sum's sd is √400 × 50 = 1,000 tokens,
        // 100 tok/s, so 95 % ≈ 4,000 ± 196.
        var tokens = Enumerable.Range(0, 400).Select(i => i % 2 == 0 ? 50 : 150).ToList();
        var estimate = _bootstrap.OverRequests(tokens, sample => sample.Sum() / 10.0);

        Assert.Equal(4000, estimate.Value);
        Assert.Equal(3804, estimate.Interval!.Low, 25.0);
        Assert.Equal(4196, estimate.Interval.High, 25.0);
        Assert.Equal((IntervalBasis.Requests, 400), (estimate.Interval.Basis, estimate.Interval.Samples));
    }

    [Fact]
    public void A_price_over_a_throughput_swaps_the_bounds()
    {
        var throughput = new Estimate(2000, new ConfidenceInterval(1000, 4000, 0.95, IntervalBasis.Repeats, 3));

        var usdPerMtok = throughput.Through(tokS => 3.6 / (tokS * 3600) * 1e6)!;

        Assert.Equal(0.5, usdPerMtok.Value, 12);
        Assert.Equal((0.25, 1.0), (Math.Round(usdPerMtok.Interval!.Low, 12), Math.Round(usdPerMtok.Interval.High, 12)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    public void A_level_outside_zero_to_one_is_refused(double level)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Bootstrap(level: level));
    }
}
