using GpuBench.Controller.Campaigns;
using GpuBench.Core.Config;

namespace GpuBench.Controller.Tests.Campaigns;

/// <summary>The search's choices against a scripted engine whose latency grows with load, standing in for a box.</summary>
public class LoadSearchTests
{
    private static readonly SloSpec Slo = new() { TpotMs = 50, Attainment = 0.95 };

    /// <summary>
    /// A box whose TPOT grows with load: 10 ms + 1 ms per concurrent request (so c40 is the highest concurrency
    /// within 50 ms at the 95th percentile), the slowest request 4 % above the fastest; a point meets the SLO when 95 % of
    /// its requests are within the bound.
    /// </summary>
    private static bool ScriptedEngine(double load, double perLoad = 1)
    {
        var tpots = Enumerable.Range(0, 100).Select(i => (10 + perLoad * load) * (1 + 0.04 * i / 99.0)).ToArray();
        var good = tpots.Count(t => t <= Slo.TpotMs);
        return Slo.IsMetBy((double)good / tpots.Length, failed: 0);
    }

    private static (List<SearchTrial> Trials, string Stop) Run(LoadSearch search, Func<double, bool> engine)
    {
        var trials = new List<SearchTrial>();
        while (true)
        {
            var step = search.Next(trials);
            if (step.Load is not { } load)
            {
                return (trials, step.Why);
            }

            trials.Add(new SearchTrial(load, engine(load)));
        }
    }

    [Fact]
    public void The_scripted_engines_limit_is_c38()
    {
        // c38: 48 ms, the 95th request 48 × 1.038 = 49.8 ms; c39: only requests up to 49 × 1.0204 = 50 ms are good, 51 of 100.
        Assert.True(ScriptedEngine(38));
        Assert.False(ScriptedEngine(39));
    }

    [Theory]
    [InlineData(38)]   // the prediction is right
    [InlineData(32)]   // low
    [InlineData(48)]   // high
    [InlineData(19)]   // off by half
    [InlineData(76)]   // off by double
    public void A_concurrency_search_finds_the_known_limit_within_8_points(double start)
    {
        var search = new LoadSearch(LoadKind.MaxConcurrency, 1, 1024, start, "start: the predicted limit");

        var (trials, stop) = Run(search, l => ScriptedEngine(l));

        Assert.Equal(38, LoadSearch.Limit(trials));
        Assert.InRange(trials.Count, 1, SweepSpec.MaxSearchPoints);
        Assert.Contains(trials, t => t.Load == 39 && !t.Met);     // the limit is proven: the next load misses
        Assert.StartsWith("bracket narrowed: highest meeting the SLO c38, lowest missing it c39", stop, StringComparison.Ordinal);
        Assert.All(trials, t => Assert.Equal(Math.Floor(t.Load), t.Load));
        Assert.Equal(trials.Count, trials.Select(t => t.Load).Distinct().Count());
        Assert.Equal(Math.Clamp(start, 1, 1024), trials[0].Load);
    }

    [Fact]
    public void Each_choice_says_why()
    {
        var search = new LoadSearch(LoadKind.MaxConcurrency, 1, 1024, 32, "start: the predicted limit (c32)");
        var trials = new List<SearchTrial>();

        Assert.Equal(new SearchStep(32, "start: the predicted limit (c32)"), search.Next(trials));
        trials.Add(new SearchTrial(32, true));
        Assert.Equal(new SearchStep(64, "bracket up: c32 met the SLO, trying ×2"), search.Next(trials));
        trials.Add(new SearchTrial(64, false));
        Assert.Equal(new SearchStep(48, "bisect: between c32 (met) and c64 (missed)"), search.Next(trials));
        trials.Clear();
        trials.Add(new SearchTrial(32, false));
        Assert.Equal(new SearchStep(16, "bracket down: c32 missed the SLO, trying ÷2"), search.Next(trials));
    }

    [Fact]
    public void A_limit_far_from_the_start_stops_at_8_points_with_the_best_bracket()
    {
        var search = new LoadSearch(LoadKind.MaxConcurrency, 1, 1024, 1, "start");

        var (trials, stop) = Run(search, l => ScriptedEngine(l, perLoad: 0.05)); // limit near c763

        Assert.Equal(SweepSpec.MaxSearchPoints, trials.Count);
        Assert.Equal([1.0, 2, 4, 8, 16, 32, 64, 128], trials.Select(t => t.Load));
        Assert.Equal(128, LoadSearch.Limit(trials));
        Assert.Equal("point limit: 8 points run; highest meeting the SLO c128, lowest missing it none", stop);
    }

    [Fact]
    public void A_search_whose_min_misses_stops_at_once_and_one_whose_max_meets_stops_there()
    {
        var tooSlow = Run(new LoadSearch(LoadKind.MaxConcurrency, 4, 64, 4, "start"), _ => false);
        var tooFast = Run(new LoadSearch(LoadKind.MaxConcurrency, 4, 64, 64, "start"), _ => true);

        Assert.Equal([new SearchTrial(4, false)], tooSlow.Trials);
        Assert.Equal("min c4 misses the SLO: no load of the search meets it", tooSlow.Stop);
        Assert.Null(LoadSearch.Limit(tooSlow.Trials));
        Assert.Equal([new SearchTrial(64, true)], tooFast.Trials);
        Assert.Equal("max c64 meets the SLO: the limit is at or above the search's max", tooFast.Stop);
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(3.7)]
    [InlineData(12)]
    public void A_rate_search_brackets_the_known_limit_within_5_percent(double start)
    {
        // 10 ms + 10 ms per request per second: about 3.81 req/s is the highest rate meeting the SLO.
        var search = new LoadSearch(LoadKind.RequestRate, 0.5, 64, start, "start");

        var (trials, stop) = Run(search, l => ScriptedEngine(l, perLoad: 10));

        var limit = LoadSearch.Limit(trials)!.Value;
        var missed = trials.Where(t => !t.Met).Min(t => t.Load);
        Assert.InRange(trials.Count, 1, SweepSpec.MaxSearchPoints);
        Assert.InRange(limit, 3.81 / (1 + LoadSearch.RateTolerance), 3.82);
        Assert.True(missed <= limit * (1 + LoadSearch.RateTolerance), $"{stop}: {string.Join(", ", trials)}");
        Assert.StartsWith("bracket narrowed", stop, StringComparison.Ordinal);
    }

    [Fact]
    public void A_start_outside_the_bounds_is_clamped_and_rounded()
    {
        Assert.Equal(64, new LoadSearch(LoadKind.MaxConcurrency, 1, 64, 300, "start").Start);
        Assert.Equal(13, new LoadSearch(LoadKind.MaxConcurrency, 1, 64, 12.6, "start").Start);
        Assert.Equal(1.23, new LoadSearch(LoadKind.RequestRate, 0.5, 64, 1.23456, "start").Start);
    }
}
