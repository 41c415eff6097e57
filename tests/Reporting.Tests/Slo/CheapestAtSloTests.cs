using GpuBench.Core.Config;
using GpuBench.Reporting.Slo;
using GpuBench.Reporting.Statistics;

namespace GpuBench.Reporting.Tests.Slo;

public class CheapestAtSloTests
{
    private static readonly SloPoint Point = new() { Load = new LoadPoint(LoadKind.MaxConcurrency, 8), Runs = [] };

    /// <summary>A configuration whose $/Mtok (output) is <paramref name="usd"/> in [<paramref name="low"/>, <paramref name="high"/>]: at $0.0036 an hour, $/Mtok is 1 / (tok/s).</summary>
    private static SloConfiguration Priced(string label, double usd, double low, double high, bool metSlo = true, bool priced = true) => new()
    {
        Workload = "chat", Server = label, Model = "org/model", Layout = Core.Planning.Layout.Consecutive(1, 1, 1), GpuType = "h100", GpuCount = 1,
        Label = label, Slo = new SloSpec { TtftMs = 500 }, Points = [Point],
        UsdPerGpuHour = priced ? 0.0036 : null,
        AtSlo = metSlo ? Point : null,
        OutputTokensPerS = metSlo ? new Estimate(1 / usd, new ConfidenceInterval(1 / high, 1 / low, 0.95, IntervalBasis.Repeats, 3)) : null,
    };

    [Fact]
    public void Every_configuration_whose_interval_overlaps_the_cheapest_ties_with_it()
    {
        var cheapest = CheapestAtSlo.Of([Priced("c", 2.0, 1.9, 2.1), Priced("b", 1.05, 1.0, 1.1), Priced("a", 1.0, 0.9, 1.02), Priced("d", 0.5, 0.4, 0.6, metSlo: false)]);

        Assert.Equal(Verdict.Tie, cheapest.Verdict);
        Assert.Equal(["a", "b"], cheapest.Leaders.Select(c => c.Label));
        Assert.Equal(["a", "b", "c"], cheapest.Ranked.Select(c => c.Label));
        Assert.Equal(0.05, cheapest.Comparison!.Margin, 9);
    }

    [Fact]
    public void The_cheapest_wins_alone_when_its_interval_separates_from_the_runner_up()
    {
        var cheapest = CheapestAtSlo.Of([Priced("b", 1.5, 1.3, 1.7), Priced("a", 1.0, 0.9, 1.1), Priced("unpriced", 0.1, 0.09, 0.11, priced: false)]);

        Assert.Equal(Verdict.Winner, cheapest.Verdict);
        Assert.Equal(["a"], cheapest.Leaders.Select(c => c.Label));
        Assert.Equal(0.5, cheapest.Comparison!.Margin, 9);
    }

    [Fact]
    public void Nothing_that_met_the_slo_with_a_price_leaves_no_verdict()
    {
        var cheapest = CheapestAtSlo.Of([Priced("a", 1.0, 0.9, 1.1, metSlo: false), Priced("b", 1.0, 0.9, 1.1, priced: false)]);

        Assert.Null(cheapest.Verdict);
        Assert.Empty(cheapest.Leaders);
    }
}
