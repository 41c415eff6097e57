using GpuBench.Reporting.Statistics;

namespace GpuBench.Reporting.Tests.Statistics;

public class ComparisonTests
{
    private static Estimate Cost(double value, double low, double high) =>
        new(value, new ConfidenceInterval(low, high, 0.95, IntervalBasis.Repeats, 3));

    [Fact]
    public void Separate_intervals_make_a_winner_with_its_margin()
    {
        var comparison = Comparison.OfLowerIsBetter(Cost(0.40, 0.38, 0.42), Cost(0.50, 0.45, 0.55));

        Assert.Equal(Verdict.Winner, comparison.Verdict);
        Assert.Equal(0.25, comparison.Margin, 12);
    }

    [Fact]
    public void Overlapping_intervals_are_a_tie_however_far_apart_the_estimates()
    {
        var comparison = Comparison.OfLowerIsBetter(Cost(0.40, 0.20, 0.46), Cost(0.50, 0.45, 0.80));

        Assert.Equal(Verdict.Tie, comparison.Verdict);
        Assert.Equal(0.25, comparison.Margin, 12);
    }

    [Fact]
    public void Intervals_that_touch_are_a_tie()
    {
        Assert.Equal(Verdict.Tie, Comparison.OfLowerIsBetter(Cost(0.40, 0.38, 0.45), Cost(0.50, 0.45, 0.55)).Verdict);
    }

    [Fact]
    public void A_figure_without_an_interval_never_wins_or_loses()
    {
        Assert.Equal(Verdict.Tie, Comparison.OfLowerIsBetter(new Estimate(0.10, null), Cost(0.50, 0.45, 0.55)).Verdict);
        Assert.Equal(Verdict.Tie, Comparison.OfLowerIsBetter(Cost(0.10, 0.09, 0.11), new Estimate(0.50, null)).Verdict);
    }

    [Fact]
    public void The_better_figure_comes_first()
    {
        Assert.Throws<ArgumentException>(() => Comparison.OfLowerIsBetter(Cost(0.50, 0.45, 0.55), Cost(0.40, 0.38, 0.42)));
    }
}
