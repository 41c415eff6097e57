using GpuBench.Core.Config;

namespace GpuBench.Core.Tests.Config;

public class SloSpecTests
{
    [Theory]
    [InlineData(0.95, 0, true)]   // exactly the attainment asked for
    [InlineData(0.949, 0, false)]
    [InlineData(1.0, 1, false)]   // a run with failures never meets the SLO, whatever its share of good requests
    public void A_point_meets_the_slo_at_its_attainment_without_failures(double attainment, int failed, bool met)
    {
        var slo = new SloSpec { TtftMs = 500 };

        Assert.Equal(met, slo.IsMetBy(attainment, failed));
        Assert.Equal(SloSpec.DefaultAttainment, slo.Attainment);
    }
}
