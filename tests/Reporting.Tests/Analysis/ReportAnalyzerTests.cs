using GpuBench.Core.Planning;
using GpuBench.Reporting.Analysis;
using GpuBench.Reporting.Pricing;

namespace GpuBench.Reporting.Tests.Analysis;

public class ReportAnalyzerTests
{
    private static readonly PriceTable Prices = new([new("a", 1.0), new("b", 2.0)]);

    [Fact]
    public void Scaling_efficiency_is_throughput_per_gpu_against_one_gpu_of_the_same_type()
    {
        var report = ReportAnalyzer.Analyze(
            [TestRuns.Make("a", 1, 1000), TestRuns.Make("a", 4, 3000), TestRuns.Make("b", 2, 5000)],
            Prices);

        var rows = report.Models.Single().Rows;
        Assert.Equal(1.0, rows.Single(r => r.Run.GpuType == "a" && r.Run.GpuCount == 1).ScalingEfficiency);
        Assert.Equal(0.75, rows.Single(r => r.Run.GpuType == "a" && r.Run.GpuCount == 4).ScalingEfficiency);
        Assert.Null(rows.Single(r => r.Run.GpuType == "b").ScalingEfficiency);
    }

    [Fact]
    public void Winners_are_chosen_among_valid_runs_only()
    {
        var report = ReportAnalyzer.Analyze(
            [
                TestRuns.Make("a", 1, 1000),
                TestRuns.Make("a", 2, 9000, completed: 90),
                TestRuns.Make("b", 1, 1500),
            ],
            Prices);

        var model = report.Models.Single();
        Assert.Equal("b", model.ThroughputWinner!.Run.GpuType);
        Assert.Equal(1, model.CostWinner!.Run.GpuCount);
        Assert.Equal("a", model.CostWinner.Run.GpuType);
        Assert.Equal("invalid: 10 of 100 requests failed", model.Rows.Single(r => r.Run.GpuCount == 2).Run.Status);
    }

    [Fact]
    public void A_gpu_without_a_price_has_no_cost_and_cannot_win_on_cost()
    {
        var report = ReportAnalyzer.Analyze([TestRuns.Make("c", 1, 1000)], Prices);

        var row = report.Models.Single().Rows.Single();
        Assert.Null(row.UsdPerHour);
        Assert.Null(row.UsdPerMtokTotal);
        Assert.Null(row.UsdPerMtokOutput);
        Assert.Null(report.Models.Single().CostWinner);
        Assert.NotNull(report.Models.Single().ThroughputWinner);
    }

    [Fact]
    public void Output_token_basis_divides_by_output_tokens()
    {
        var row = ReportAnalyzer.Analyze([TestRuns.Make("b", 2, 2000)], Prices).Models.Single().Rows.Single();

        Assert.Equal(4.0, row.UsdPerHour);
        Assert.Equal(4.0 / (2000 * 3600) * 1e6, row.UsdPerMtokTotal!.Value, 9);
        Assert.Equal(4.0 / (1000 * 3600) * 1e6, row.UsdPerMtokOutput!.Value, 9);
    }

    [Fact]
    public void Runs_are_grouped_by_model_and_labels_are_unique_within_a_model()
    {
        var report = ReportAnalyzer.Analyze(
            [
                TestRuns.Make("a", 4, 1000, model: "x/one", layout: Layout.Consecutive(1, 1, 4)),
                TestRuns.Make("a", 4, 1100, model: "x/one", layout: Layout.Consecutive(1, 4, 1)),
                TestRuns.Make("a", 4, 1200, model: "x/one", layout: Layout.Consecutive(1, 4, 1), concurrency: 200),
                TestRuns.Make("a", 1, 500, model: "x/two"),
            ],
            Prices);

        Assert.Equal(["x/one", "x/two"], report.Models.Select(m => m.Model));
        Assert.Equal(
            ["4× a · 1 × pp4", "4× a · 1 × tp4 · c200", "4× a · 1 × tp4 · c50"],
            report.Models[0].Rows.Select(r => r.Label));
    }

    [Fact]
    public void Simulated_runs_are_marked()
    {
        var run = TestRuns.Make("a", 1, 1000, simulated: true, completed: 99);
        Assert.Equal("simulated; invalid: 1 of 100 requests failed", run.Status);
        Assert.Equal("simulated", TestRuns.Make("a", 1, 1000, simulated: true).Status);
    }
}
