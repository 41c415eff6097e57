using GpuBench.Core.Config;
using GpuBench.Reporting.Slo;

namespace GpuBench.Reporting.Tests.Slo;

public class CostPointTests
{
    [Fact]
    public void The_pareto_frontier_keeps_the_points_no_other_beats_on_both_cost_and_latency()
    {
        var configuration = new SloConfiguration
        {
            Workload = "chat", Server = "box", Model = "org/model", Layout = Core.Planning.Layout.Consecutive(1, 1, 1), GpuType = "h100",
            GpuCount = 1, Label = "1× h100 · 1 × 1", Slo = new SloSpec { TtftMs = 500 }, Points = [],
        };
        var point = new SloPoint { Load = new LoadPoint(LoadKind.MaxConcurrency, 1), Runs = [] };
        (double LatencyS, double Usd)[] made = [(1, 5), (2, 3), (3, 4), (4, 1), (2, 6), (5, 1), (0.5, 9)];

        var frontier = CostPoint.ParetoFrontier(made.Select(m => new CostPoint(configuration, point, m.LatencyS, m.Usd)));

        Assert.Equal([(0.5, 9.0), (1.0, 5.0), (2.0, 3.0), (4.0, 1.0)], frontier.Select(p => (p.E2elP99S, p.UsdPerMtokOutput)));
    }
}
