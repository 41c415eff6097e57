using GpuBench.LoadGen.Scheduling;

namespace GpuBench.LoadGen.Tests.Scheduling;

public class ArrivalScheduleTests
{
    [Fact]
    public void Infinite_rate_releases_everything_at_once()
    {
        Assert.All(ArrivalSchedule.Offsets(100, double.PositiveInfinity, 1, 0), t => Assert.Equal(0, t));
    }

    [Fact]
    public void Same_seed_same_schedule_other_seed_other_schedule()
    {
        Assert.Equal(ArrivalSchedule.Offsets(50, 10, 1, 42), ArrivalSchedule.Offsets(50, 10, 1, 42));
        Assert.NotEqual(ArrivalSchedule.Offsets(50, 10, 1, 42), ArrivalSchedule.Offsets(50, 10, 1, 43));
    }

    [Theory]
    [InlineData(1.0)]   // Poisson: exponential gaps, CV² = 1
    [InlineData(0.25)]  // bursty: CV² = 4
    [InlineData(4.0)]   // regular: CV² = 0.25
    public void Gaps_follow_gamma_with_mean_one_over_rate_and_cv_squared_one_over_burstiness(double burstiness)
    {
        const int n = 40_000;
        const double rate = 8;
        var t = ArrivalSchedule.Offsets(n, rate, burstiness, 1);
        var gaps = t.Select((x, i) => i == 0 ? x : x - t[i - 1]).ToArray();
        var mean = gaps.Average();
        var variance = gaps.Select(g => (g - mean) * (g - mean)).Average();

        // With 40,000 samples the sampling error of the mean is under 1% (2.5% for b = 0.25) and of CV² a few %.
        Assert.InRange(mean, 0.97 / rate, 1.03 / rate);
        Assert.InRange(variance / (mean * mean), 0.9 / burstiness, 1.1 / burstiness);
        Assert.All(gaps, g => Assert.True(g >= 0));
    }
}
