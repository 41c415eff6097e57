using GpuBench.Controller.Campaigns;
using GpuBench.Core.Config;
using GpuBench.Core.Metrics;

namespace GpuBench.Controller.Tests.Campaigns;

public class SweepPointsTests
{
    private static readonly SloSpec Slo = new() { TtftMs = 500, Attainment = 0.9 };
    private static readonly LoadPoint C8 = new(LoadKind.MaxConcurrency, 8);

    private static ServingMetrics Metrics(int completed, int failed, double attainment, double goodput, double outputTokS) => new()
    {
        Completed = completed,
        Failed = failed,
        SloAttainment = attainment,
        RequestGoodput = goodput,
        OutputThroughput = outputTokS,
        Ttft = LatencyStats.Empty([99]),
        Tpot = LatencyStats.Empty([99]),
        Itl = LatencyStats.Empty([99]),
        E2el = LatencyStats.Empty([99]),
    };

    [Fact]
    public void Repeats_pool_attainment_over_their_requests_and_average_goodput_and_throughput()
    {
        // 95 of 100 good, then 85 of 100: 180 of 200 = 0.9 pooled.
        var point = SweepPoints.Summarise(C8, "bisect", [new(Metrics(100, 0, 0.95, 9.5, 1000), null), new(Metrics(100, 0, 0.85, 8.5, 800), null)], Slo);

        Assert.Equal(("c8", 8.0, "bisect", 2, 0), (point.Point, point.Load, point.Why, point.Repeats, point.FailedRequests));
        Assert.Equal(0.9, point.Attainment!.Value, 1e-12);
        Assert.True(point.MeetsSlo);
        Assert.Equal(9.0, point.GoodputReqS!.Value, 1e-12);
        Assert.Equal(900, point.OutputTokS!.Value, 1e-12);
        Assert.Null(point.Failure);
    }

    [Fact]
    public void Failed_requests_or_a_failed_repeat_never_meet_the_slo()
    {
        var withFailures = SweepPoints.Summarise(C8, null, [new(Metrics(99, 1, 0.99, 9.9, 1000), null)], Slo);
        var failedRepeat = SweepPoints.Summarise(C8, null, [new(Metrics(100, 0, 1, 10, 1000), null), new(null, "engine did not start: boom")], Slo);

        Assert.Equal((false, 1), (withFailures.MeetsSlo, withFailures.FailedRequests));
        Assert.Equal((false, 1, "engine did not start: boom"), (failedRepeat.MeetsSlo, failedRepeat.Repeats, failedRepeat.Failure));
    }

    [Fact]
    public void Without_an_slo_a_point_has_no_attainment_and_no_verdict()
    {
        var point = SweepPoints.Summarise(C8, null, [new(Metrics(100, 0, 0.95, 9.5, 1000) with { SloAttainment = null, RequestGoodput = null }, null)], null);

        Assert.Equal((null, null, null), (point.Attainment, point.MeetsSlo, point.GoodputReqS));
        Assert.Equal(1000, point.OutputTokS);
    }

    [Fact]
    public void A_points_workload_sets_the_swept_load_drops_the_sweep_and_warms_up()
    {
        var workload = new WorkloadSpec
        {
            Name = "chat", InputLen = 200, OutputLen = 100, NumPrompts = 300, MaxConcurrency = 4, Endpoint = "/v1/chat/completions",
            Slo = Slo, Sweep = new SweepSpec { Kind = LoadKind.RequestRate, Grid = [2.5] },
        };

        var atPoint = SweepPoints.Workload(workload, new LoadPoint(LoadKind.RequestRate, 2.5));

        Assert.Equal((2.5, (int?)4, (SweepSpec?)null, 1, Slo), (atPoint.RequestRate, atPoint.MaxConcurrency, atPoint.Sweep, atPoint.NumWarmups, atPoint.Slo));
        Assert.Equal(3, SweepPoints.Workload(workload with { NumWarmups = 3 }, C8).NumWarmups);
        Assert.Same(workload, SweepPoints.Workload(workload, null));
    }
}
