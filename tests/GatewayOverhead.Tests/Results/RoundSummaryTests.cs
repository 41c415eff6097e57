using GpuBench.GatewayOverhead.Results;

namespace GpuBench.GatewayOverhead.Tests.Results;

public class RoundSummaryTests
{
    [Fact]
    public void Spread_of_an_odd_count_is_its_middle_value_with_the_range()
    {
        Assert.Equal(new Spread(2, -1, 7), Spread.Of([7, -1, 2]));
    }

    [Fact]
    public void Spread_of_an_even_count_is_the_mean_of_its_middle_two()
    {
        Assert.Equal(new Spread(2.5, 1, 10), Spread.Of([10, 1, 3, 2]));
    }

    [Fact]
    public void A_path_adds_to_the_direct_run_of_its_own_round()
    {
        RunResult[] runs =
        [
            Run("direct", round: 1, ttftP99: 20, chunkP99: 1.0),
            Run("direct", round: 2, ttftP99: 30, chunkP99: 2.0),
            Run("gateway", round: 2, ttftP99: 31, chunkP99: 2.5),
        ];

        var added = Added.To(runs[2], runs);

        Assert.Equal(1, added.TtftP99Ms, 9);
        Assert.Equal(0.5, added.ChunkP99Ms, 9);
    }

    [Fact]
    public void Summary_takes_the_median_over_rounds_of_what_each_round_added()
    {
        var summary = RoundSummary.Of(ThreeRounds());

        var gateway = Assert.Single(summary.Paths, p => p.Path == "gateway");
        Assert.Equal(3, gateway.Rounds);
        // Added TTFT p99 per round: 21-20, 33-30, 46-40.
        Assert.Equal(new Spread(3, 1, 6), gateway.AddedTtftP99Ms);
        Assert.Equal(0.99, gateway.ChunksPerSecondRatioToDirect.Median, 9);
        Assert.Equal(0.5, gateway.ProxyCpuCores!.Median, 9);
        Assert.DoesNotContain(summary.Paths, p => p.Path == "direct");
    }

    [Fact]
    public void Paired_comparison_subtracts_nginx_from_the_gateway_round_by_round()
    {
        var paired = Assert.Single(RoundSummary.Of(ThreeRounds()).Paired);

        // Gateway added 1, 3, 6; NGINX added 2, 2, 2.
        Assert.Equal([-1, 1, 4], paired.AddedTtftP99DifferencesMs);
        Assert.Equal(1, paired.AddedTtftP99DifferenceMs.Median);
        Assert.Equal(1, paired.RoundsTtftNoWorse);
        Assert.Equal(3, paired.Rounds);
    }

    [Fact]
    public void Each_number_of_streams_is_summarised_on_its_own()
    {
        RunResult[] runs =
        [
            Run("direct", round: 1, ttftP99: 20, streams: 400),
            Run("gateway", round: 1, ttftP99: 21, streams: 400),
            Run("direct", round: 1, ttftP99: 20, streams: 1000),
            Run("gateway", round: 1, ttftP99: 29, streams: 1000),
        ];

        var paths = RoundSummary.Of(runs).Paths;

        Assert.Equal([(400, 1.0), (1000, 9.0)], paths.Select(p => (p.Streams, p.AddedTtftP99Ms.Median)));
        Assert.Empty(RoundSummary.Of(runs).Paired);
    }

    private static RunResult[] ThreeRounds() =>
    [
        Run("direct", round: 1, ttftP99: 20),
        Run("gateway", round: 1, ttftP99: 21, chunksPerSecond: 990, cpu: 0.5),
        Run("nginx", round: 1, ttftP99: 22, cpu: 0.3),
        Run("nginx", round: 2, ttftP99: 32, cpu: 0.3),
        Run("direct", round: 2, ttftP99: 30),
        Run("gateway", round: 2, ttftP99: 33, chunksPerSecond: 995, cpu: 0.4),
        Run("gateway", round: 3, ttftP99: 46, chunksPerSecond: 980, cpu: 0.6),
        Run("nginx", round: 3, ttftP99: 42, cpu: 0.3),
        Run("direct", round: 3, ttftP99: 40),
    ];

    private static RunResult Run(string path, int round, double ttftP99, double chunkP99 = 1, double chunksPerSecond = 1000, double? cpu = null, int streams = 400) =>
        new(path, streams, round, Seconds: 20, StreamsCompleted: 100, Errors: 0, chunksPerSecond,
            TtftP50Ms: 20, ttftP99, ChunkP50Ms: 0.5, chunkP99, cpu, MachineBusyPercent: 1);
}
