using GpuBench.Controller.Ssh;

namespace GpuBench.Controller.Tests.Ssh;

public sealed class ReconnectPolicyTests
{
    [Fact]
    public void Delays_double_from_the_initial_delay_up_to_the_cap_without_jitter()
    {
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(10), Jitter = 0 };
        var random = new Random(1);

        var delays = Enumerable.Range(1, 7).Select(a => policy.DelayBefore(a, random).TotalSeconds).ToArray();

        Assert.Equal([1, 2, 4, 8, 10, 10, 10], delays);
    }

    [Fact]
    public void Jitter_spreads_delays_within_its_fraction_and_never_past_the_cap()
    {
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(4), MaxDelay = TimeSpan.FromSeconds(10), Jitter = 0.25 };
        var random = new Random(42);

        var first = Enumerable.Range(0, 500).Select(_ => policy.DelayBefore(1, random).TotalSeconds).ToList();
        var capped = Enumerable.Range(0, 500).Select(_ => policy.DelayBefore(30, random).TotalSeconds).ToList();

        Assert.All(first, d => Assert.InRange(d, 3, 5));
        Assert.True(first.Max() - first.Min() > 1.5, "jitter should actually spread the delays");
        Assert.All(capped, d => Assert.InRange(d, 7.5, 10));
    }

    [Fact]
    public void Huge_attempt_numbers_stay_at_the_cap() =>
        Assert.Equal(TimeSpan.FromSeconds(30), new ReconnectPolicy { Jitter = 0 }.DelayBefore(int.MaxValue, new Random(0)));
}
