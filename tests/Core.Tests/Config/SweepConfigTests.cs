using GpuBench.Core.Config;

namespace GpuBench.Core.Tests.Config;

/// <summary>workloads[].slo, sweep and repeats: what is read, what is written back, and each contradiction refused at its place.</summary>
public class SweepConfigTests
{
    // The workload of ConfigText.Valid ends at line 7 (num_prompts); keys spliced after it start on line 8.
    private static string With(string keys) => ConfigText.Valid.Replace("    num_prompts: 64\n", "    num_prompts: 64\n" + keys + "\n");

    [Fact]
    public void Slo_grid_and_repeats_are_read()
    {
        var workload = Load("""
                slo: { ttft_ms: 500, tpot_ms: 50, e2el_ms: 20000, attainment: 0.9 }
                sweep: { max_concurrency: [1, 8, 32, 128] }
                repeats: 3
            """).Workloads[0];

        Assert.Equal(new SloSpec { TtftMs = 500, TpotMs = 50, E2elMs = 20000, Attainment = 0.9 }, workload.Slo);
        Assert.Equal((LoadKind.MaxConcurrency, false), (workload.Sweep!.Kind, workload.Sweep.Search));
        Assert.Equal([1.0, 8, 32, 128], workload.Sweep.Grid);
        Assert.Equal(3, workload.Repeats);
    }

    [Fact]
    public void A_workload_without_them_has_no_slo_no_sweep_and_one_repeat()
    {
        var workload = Load("").Workloads[0];

        Assert.Equal((null, null, 1), (workload.Slo, workload.Sweep, workload.Repeats));
    }

    [Fact]
    public void Attainment_defaults_to_95_percent_and_a_rate_grid_takes_fractions()
    {
        var workload = Load("""
                slo: { ttft_ms: 500 }
                sweep: { request_rate: [0.5, 2.5, 10] }
            """).Workloads[0];

        Assert.Equal(0.95, workload.Slo!.Attainment);
        Assert.Equal(LoadKind.RequestRate, workload.Sweep!.Kind);
        Assert.Equal([0.5, 2.5, 10], workload.Sweep.Grid);
    }

    [Fact]
    public void A_search_is_read_with_its_bounds()
    {
        var sweep = Load("""
                slo: { tpot_ms: 50 }
                sweep: { search: request_rate, min: 0.5, max: 64 }
            """).Workloads[0].Sweep!;

        Assert.Equal((LoadKind.RequestRate, true, (double?)0.5, (double?)64), (sweep.Kind, sweep.Search, sweep.Min, sweep.Max));
        Assert.Empty(sweep.Grid);
    }

    [Theory]
    [InlineData("    sweep: { max_concurrency: [1, 8] }")]
    [InlineData("    slo: { ttft_ms: 500, attainment: 0.99 }\n    sweep: { search: max_concurrency, min: 1, max: 1024 }\n    repeats: 2")]
    [InlineData("    slo: { e2el_ms: 20000 }\n    sweep: { request_rate: [0.5, 2.5] }")]
    public void Written_slo_sweep_and_repeats_read_back_the_same(string keys)
    {
        var config = Load(keys);

        var yaml = ConfigWriter.ToYaml(config);
        var reread = ConfigLoader.Parse(yaml, "effective.yml", Path.GetTempPath());

        Assert.Empty(reread.Diagnostics);
        Assert.Equal(yaml, ConfigWriter.ToYaml(reread.Config!));
        var (first, again) = (config.Workloads[0], reread.Config!.Workloads[0]);
        Assert.Equal((first.Slo, first.Repeats, first.Sweep?.Kind, first.Sweep?.Search, first.Sweep?.Min, first.Sweep?.Max),
            (again.Slo, again.Repeats, again.Sweep?.Kind, again.Sweep?.Search, again.Sweep?.Min, again.Sweep?.Max));
        Assert.Equal(first.Sweep?.Grid, again.Sweep?.Grid);
    }

    [Fact]
    public void A_search_without_an_slo_is_refused()
    {
        Assert.Equal(
            ["config.yml:8:22: workloads[0].sweep.search: a search looks for the highest load meeting the workload's SLO; add slo: { ttft_ms: .., tpot_ms: .. } to the workload, or list the loads as a grid"],
            ConfigText.Errors(With("    sweep: { search: max_concurrency, min: 1, max: 64 }")));
    }

    [Fact]
    public void A_grid_and_a_search_together_are_refused()
    {
        Assert.Equal(
            ["config.yml:9:47: workloads[0].sweep.search: set either a grid (max_concurrency: [..]) or a search, not both"],
            ConfigText.Errors(With("    slo: { ttft_ms: 500 }\n    sweep: { max_concurrency: [1, 8], search: max_concurrency, min: 1, max: 64 }")));
    }

    [Fact]
    public void Two_grids_are_refused()
    {
        Assert.Equal(
            ["config.yml:8:50: workloads[0].sweep.request_rate: give one grid, max_concurrency or request_rate, not both: a sweep varies one load parameter"],
            ConfigText.Errors(With("    sweep: { max_concurrency: [1], request_rate: [1] }")));
    }

    [Fact]
    public void An_empty_grid_is_refused()
    {
        Assert.Equal(
            ["config.yml:8:31: workloads[0].sweep.max_concurrency: expected at least one load, got an empty list"],
            ConfigText.Errors(With("    sweep: { max_concurrency: [] }")));
    }

    [Fact]
    public void A_sweep_with_neither_grid_nor_search_is_refused()
    {
        Assert.Equal(
            ["config.yml:8:12: workloads[0].sweep: expected a grid (max_concurrency: [1, 8, 32] or request_rate: [1, 2.5]) or a search (search: max_concurrency, min: 1, max: 1024)"],
            ConfigText.Errors(With("    sweep: { }")));
    }

    [Theory]
    [InlineData("    sweep: { max_concurrency: [1, 0, 8] }", "config.yml:8:35: workloads[0].sweep.max_concurrency[1]: expected a positive integer, got \"0\"")]
    [InlineData("    sweep: { max_concurrency: [1, 2.5] }", "config.yml:8:35: workloads[0].sweep.max_concurrency[1]: expected a positive integer, got \"2.5\"")]
    [InlineData("    sweep: { request_rate: [-1] }", "config.yml:8:29: workloads[0].sweep.request_rate[0]: expected a positive number of requests per second, got \"-1\"")]
    [InlineData("    sweep: { max_concurrency: [8, 8] }", "config.yml:8:35: workloads[0].sweep.max_concurrency[1]: c8 is listed twice; each point has one results folder")]
    [InlineData("    slo: { ttft_ms: 500 }\n    sweep: { search: max_concurrency, min: 0, max: 64 }", "config.yml:9:44: workloads[0].sweep.min: expected a positive integer, got \"0\"")]
    public void Non_positive_and_repeated_loads_are_refused(string keys, string error)
    {
        Assert.Equal([error], ConfigText.Errors(With(keys)));
    }

    [Fact]
    public void Min_above_max_is_refused()
    {
        Assert.Equal(
            ["config.yml:9:44: workloads[0].sweep.min: min (64) is above max (8)"],
            ConfigText.Errors(With("    slo: { ttft_ms: 500 }\n    sweep: { search: max_concurrency, min: 64, max: 8 }")));
    }

    [Fact]
    public void Bounds_without_a_search_are_refused()
    {
        Assert.Equal(
            ["config.yml:8:41: workloads[0].sweep.max: max bounds a search; a grid lists its loads (add search: max_concurrency or search: request_rate, or remove max)"],
            ConfigText.Errors(With("    sweep: { max_concurrency: [1], max: 8 }")));
    }

    [Theory]
    [InlineData("    slo: { ttft_ms: 500, attainment: 0 }", "config.yml:8:38: workloads[0].slo.attainment: expected a number in (0, 1], got \"0\"")]
    [InlineData("    slo: { ttft_ms: 500, attainment: 1.5 }", "config.yml:8:38: workloads[0].slo.attainment: expected a number in (0, 1], got \"1.5\"")]
    [InlineData("    slo: { attainment: 0.9 }", "config.yml:8:10: workloads[0].slo: expected at least one bound: ttft_ms, tpot_ms or e2el_ms (milliseconds a good request stays within)")]
    [InlineData("    slo: { ttft_ms: -5 }", "config.yml:8:21: workloads[0].slo.ttft_ms: expected a positive number, got \"-5\"")]
    [InlineData("    repeats: 0", "config.yml:8:14: workloads[0].repeats: expected a positive integer, got \"0\"")]
    public void Attainment_outside_0_1_an_slo_without_bounds_and_repeats_below_1_are_refused(string keys, string error)
    {
        Assert.Equal([error], ConfigText.Errors(With(keys)));
    }

    [Fact]
    public void Attainment_of_exactly_1_is_allowed()
    {
        Assert.Equal(1.0, Load("    slo: { ttft_ms: 500, attainment: 1 }").Workloads[0].Slo!.Attainment);
    }

    private static BenchConfig Load(string keys)
    {
        var result = ConfigText.Load(With(keys.Length == 0 ? "" : string.Join('\n', keys.Split('\n').Select(l => "    " + l.TrimStart()))));
        Assert.Empty(result.Diagnostics);
        return result.Config!;
    }
}
