using System.Globalization;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Results;
using GpuBench.Reporting.Pricing;
using GpuBench.Reporting.Rendering;
using GpuBench.Reporting.Results;

namespace GpuBench.Reporting.Tests.Slo;

/// <summary>slo.csv and the "Cheapest at SLO" section on hand-built sweep folders.</summary>
public sealed class SloReportTests : IDisposable
{
    private static readonly LoadPoint C1 = new(LoadKind.MaxConcurrency, 1);
    private static readonly LoadPoint C8 = new(LoadKind.MaxConcurrency, 8);
    private static readonly LoadPoint C32 = new(LoadKind.MaxConcurrency, 32);
    private static readonly LoadPoint C64 = new(LoadKind.MaxConcurrency, 64);

    private static readonly double[] RepeatDurations = [10, 10.5, 9.5];

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("gpubench-slo-");

    public void Dispose() => _root.Delete(recursive: true);

    private static string LabelOf(string server, string gpu) =>
        $"{SloResults.Planned(server).Layout.TotalGpus}× {gpu} · {SloResults.Planned(server).Layout}";

    [Fact]
    public async Task The_reader_finds_every_point_and_repeat_as_its_record_says()
    {
        await WriteCampaignAsync(boxBDurationAtC32: 2);

        var loaded = await ResultsLoader.LoadAsync(_root.FullName, plan: null, TestContext.Current.CancellationToken);

        Assert.Empty(loaded.Skipped);
        Assert.Equal(14, loaded.Runs.Count);
        var a = loaded.Runs.Where(r => r.Server == "box-a").ToList();
        Assert.Equal(
            ["c1/1", "c1/2", "c1/3", "c8/1", "c8/2", "c8/3", "c32/1", "c32/2", "c32/3"],
            a.OrderBy(r => r.SweepPoint!.Value).ThenBy(r => r.Repeat).Select(r => $"{r.SweepPoint}/{r.Repeat}"));
        Assert.All(loaded.Runs, r => Assert.Equal(SloResults.Slo, r.Slo));
        Assert.Equal(580, a[0].GpuPowerW);
        Assert.All(loaded.Runs.Where(r => r.Server != "box-a"), r => Assert.Null(r.GpuPowerW));
    }

    [Fact]
    public async Task Slo_csv_has_one_row_per_configuration_with_the_figures_at_the_highest_load_meeting_the_slo()
    {
        await WriteCampaignAsync(boxBDurationAtC32: 2);

        var output = await GenerateAsync();

        var lines = (await File.ReadAllLinesAsync(output.SloCsvPath!, TestContext.Current.CancellationToken)).ToList();
        Assert.Equal(Path.Combine(output.HtmlPath[..^ReportGenerator.HtmlFile.Length], "slo.csv"), output.SloCsvPath);
        Assert.Equal(
            "workload,server,model,layout,gpu,gpu_count,load_kind,max_load,goodput_req_s_at_slo,goodput_req_s_at_slo_lo,goodput_req_s_at_slo_hi,"
            + "output_tok_s_at_slo,output_tok_s_at_slo_lo,output_tok_s_at_slo_hi,usd_per_mtok_output_at_slo,usd_per_mtok_output_at_slo_lo,"
            + "usd_per_mtok_output_at_slo_hi,usd_per_mtok_total_at_slo,usd_per_mtok_total_at_slo_lo,usd_per_mtok_total_at_slo_hi,"
            + "joules_per_output_token,interval_basis,status",
            lines[0]);
        Assert.Equal(4, lines.Count);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToDictionary(cells => cells[1]);
        var header = lines[0].Split(',');
        string Cell(string server, string column) => rows[server][Array.IndexOf(header, column)];
        double Number(string server, string column) => double.Parse(Cell(server, column), CultureInfo.InvariantCulture);

        // box-a: three repeats at c8 of 40 requests × 100 output tokens over 10, 10.5 and 9.5 s. With three repeats the
        // all-lowest and all-highest resamples each come up 1 time in 27, above the 2.5 % tails: the bounds are the extremes.
        var a = SloResults.Planned("box-a");
        double[] outputTokS = [.. RepeatDurations.Select(d => 4000 / d)];
        var usdPerHourA = 0.39 * a.Layout.TotalGpus;
        Assert.Equal(
            ["chat", "box-a", "QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ", a.Layout.ToString(), "rtx4090", a.Layout.TotalGpus.ToString(CultureInfo.InvariantCulture), "max_concurrency", "8"],
            rows["box-a"][..8]);
        Assert.Equal(RepeatDurations.Average(d => 40 / d), Number("box-a", "goodput_req_s_at_slo"), 0.0005);
        Assert.Equal(40 / 10.5, Number("box-a", "goodput_req_s_at_slo_lo"), 0.0005);
        Assert.Equal(40 / 9.5, Number("box-a", "goodput_req_s_at_slo_hi"), 0.0005);
        Assert.Equal(outputTokS.Average(), Number("box-a", "output_tok_s_at_slo"), 0.005);
        Assert.Equal(outputTokS.Min(), Number("box-a", "output_tok_s_at_slo_lo"), 0.005);
        Assert.Equal(outputTokS.Max(), Number("box-a", "output_tok_s_at_slo_hi"), 0.005);
        Assert.Equal(TokenCost.UsdPerMillionTokens(usdPerHourA, outputTokS.Average())!.Value, Number("box-a", "usd_per_mtok_output_at_slo"), 0.00005);
        Assert.Equal(usdPerHourA / (outputTokS.Max() * 3600) * 1e6, Number("box-a", "usd_per_mtok_output_at_slo_lo"), 0.00005);
        Assert.Equal(usdPerHourA / (outputTokS.Min() * 3600) * 1e6, Number("box-a", "usd_per_mtok_output_at_slo_hi"), 0.00005);
        Assert.Equal(usdPerHourA / (RepeatDurations.Average(d => 12000 / d) * 3600) * 1e6, Number("box-a", "usd_per_mtok_total_at_slo"), 0.00005);
        // 300 W + 280 W on the layout's two GPUs (the idle gpu7 is not the layout's) over each repeat's output tok/s.
        Assert.Equal(outputTokS.Average(t => 580 / t), Number("box-a", "joules_per_output_token"), 0.00005);
        Assert.Equal(("repeats", "simulated"), (Cell("box-a", "interval_basis"), Cell("box-a", "status")));

        // box-b: one run at c32 (40 requests of 50 or 150 output tokens in 2 s), resampled over its requests.
        Assert.Equal(("1", "max_concurrency", "32"), (Cell("box-b", "gpu_count"), Cell("box-b", "load_kind"), Cell("box-b", "max_load")));
        Assert.Equal(["20.000", "20.000", "20.000"], rows["box-b"][8..11]);
        Assert.Equal(2000, Number("box-b", "output_tok_s_at_slo"));
        Assert.InRange(Number("box-b", "output_tok_s_at_slo_lo"), 1600, 1950);
        Assert.InRange(Number("box-b", "output_tok_s_at_slo_hi"), 2050, 2400);
        Assert.Equal(2.0 / (2000 * 3600) * 1e6, Number("box-b", "usd_per_mtok_output_at_slo"), 0.00005);
        Assert.Equal(("", "requests"), (Cell("box-b", "joules_per_output_token"), Cell("box-b", "interval_basis")));

        // box-c met the SLO at no load: every figure empty, never 0.
        Assert.Equal(["chat", "box-c"], rows["box-c"][..2]);
        Assert.Equal(("max_concurrency", ""), (Cell("box-c", "load_kind"), Cell("box-c", "max_load")));
        Assert.All(rows["box-c"][8..22], cell => Assert.Equal("", cell));
    }

    [Fact]
    public async Task Separate_intervals_name_the_winner_with_its_margin()
    {
        await WriteCampaignAsync(boxBDurationAtC32: 2);

        var output = await GenerateAsync();

        var markdown = await File.ReadAllTextAsync(output.MarkdownPath, TestContext.Current.CancellationToken);
        var usdA = 0.39 * SloResults.Planned("box-a").Layout.TotalGpus / (RepeatDurations.Average(d => 4000 / d) * 3600) * 1e6;
        var usdB = 2.0 / (2000 * 3600) * 1e6;
        Assert.Contains("## Cheapest at SLO", markdown, StringComparison.Ordinal);
        Assert.Contains("### chat: TTFT ≤ 500 ms, TPOT ≤ 50 ms for 95 % of requests", markdown, StringComparison.Ordinal);
        Assert.Contains($"**Winner:** {LabelOf("box-b", "h100")} (⚠ simulated) at c32: {Numbers.UsdPerMtok(usdB)} [", markdown, StringComparison.Ordinal);
        Assert.Contains(
            $"{LabelOf("box-a", "rtx4090")} (⚠ simulated) at c8 costs {((usdA / usdB - 1) * 100).ToString("0.#", CultureInfo.InvariantCulture)} % more ({Numbers.UsdPerMtok(usdA)} [",
            markdown,
            StringComparison.Ordinal);
        Assert.Contains("the 95 % intervals do not overlap.", markdown, StringComparison.Ordinal);
        // Every run had an SLO: no table of runs at one load, no winner on throughput among sweep points.
        Assert.DoesNotContain("Winner on throughput", markdown, StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(output.HtmlPath, TestContext.Current.CancellationToken);
        Assert.Contains("<h2>Cheapest at SLO</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>Winner:</strong>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overlapping_intervals_are_a_tie_whatever_the_cheaper_estimate()
    {
        // box-b at 1,067 tok/s costs about 4 % less than box-a, well inside both intervals.
        await WriteCampaignAsync(boxBDurationAtC32: 3.75);

        var output = await GenerateAsync();

        var markdown = await File.ReadAllTextAsync(output.MarkdownPath, TestContext.Current.CancellationToken);
        var usdA = 0.39 * SloResults.Planned("box-a").Layout.TotalGpus / (RepeatDurations.Average(d => 4000 / d) * 3600) * 1e6;
        var usdB = 2.0 / (4000 / 3.75 * 3600) * 1e6;
        Assert.Contains($"**Tie:** {LabelOf("box-b", "h100")} (⚠ simulated) at c32 ({Numbers.UsdPerMtok(usdB)} [", markdown, StringComparison.Ordinal);
        Assert.Contains($"and {LabelOf("box-a", "rtx4090")} (⚠ simulated) at c8 ({Numbers.UsdPerMtok(usdA)} [", markdown, StringComparison.Ordinal);
        Assert.Contains($"costs {((usdA / usdB - 1) * 100).ToString("0.#", CultureInfo.InvariantCulture)} % more", markdown, StringComparison.Ordinal);
        Assert.Contains("but the 95 % intervals overlap: the runs cannot tell them apart.", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("**Winner:**", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summary_csv_names_each_runs_sweep_point()
    {
        await WriteCampaignAsync(boxBDurationAtC32: 2);

        var output = await GenerateAsync();

        var lines = await File.ReadAllLinesAsync(output.CsvPath, TestContext.Current.CancellationToken);
        var column = Array.IndexOf(lines[0].Split(','), "sweep_point");
        Assert.True(column >= 0, lines[0]);
        var points = lines.Skip(1).Select(l => l.Split(',')[column]).ToList();
        Assert.Equal(14, points.Count);
        Assert.Equal(["c1", "c8", "c32", "c64"], points.Distinct().Order(StringComparer.Ordinal).OrderBy(p => int.Parse(p[1..], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_report_without_an_slo_writes_no_slo_csv_and_removes_an_earlier_one()
    {
        var folder = Path.Combine(_root.FullName, "campaign-1", "box-a", "qwen", "smoke");
        await TestCampaign.WriteRunAsync(folder, TestCampaign.Requests(8, failures: 0));
        File.Copy(
            GpuBench.TestSupport.Fixtures.PathOf("seed-results", "rtx4090_x_1_QuantTrio_Qwen3-Coder-30B-A3B-Instruct-AWQ_vllm_benchmark.txt"),
            Path.Combine(folder, "compose.yaml"));
        var reportFolder = Path.Combine(_root.FullName, "report");
        Directory.CreateDirectory(reportFolder);
        await File.WriteAllTextAsync(Path.Combine(reportFolder, SloCsv.File), "stale", TestContext.Current.CancellationToken);

        var output = await ReportGenerator.GenerateAsync(new ReportRequest(Path.Combine(_root.FullName, "campaign-1"), reportFolder, SeedPrices.Article), TestContext.Current.CancellationToken);

        Assert.Null(output.SloCsvPath);
        Assert.False(File.Exists(Path.Combine(reportFolder, SloCsv.File)));
        var markdown = await File.ReadAllTextAsync(output.MarkdownPath, TestContext.Current.CancellationToken);
        Assert.DoesNotContain("Cheapest at SLO", markdown, StringComparison.Ordinal);
        Assert.Contains("**Winner on throughput:**", markdown, StringComparison.Ordinal);
    }

    private Task<ReportOutput> GenerateAsync() =>
        ReportGenerator.GenerateAsync(
            new ReportRequest(Path.Combine(_root.FullName, "results"), Path.Combine(_root.FullName, "results", SloResults.Campaign, "report"), PriceTable.Empty),
            TestContext.Current.CancellationToken);

    /// <summary>
    /// box-a (2× rtx4090, 3 repeats) meets the SLO up to c8; box-b (1× h100, one run a point, a search) up to c32, its
    /// c32 run lasting <paramref name="boxBDurationAtC32"/> s; box-c (1× l40s) at no load.
    /// </summary>
    private Task WriteCampaignAsync(double boxBDurationAtC32) => WriteCampaignAsync(Path.Combine(_root.FullName, "results"), boxBDurationAtC32);

    /// <summary>The sweep campaign of these tests under <paramref name="resultsFolder"/>.</summary>
    internal static async Task WriteCampaignAsync(string resultsFolder, double boxBDurationAtC32)
    {
        var results = new SloResults(resultsFolder);
        Directory.CreateDirectory(results.Root);
        TelemetrySummary[] power =
        [
            new("gpu.power", "W", "gpu0", 20, 300, 410), new("gpu.power", "W", "gpu1", 20, 280, 400),
            new("gpu.power", "W", "gpu7", 20, 90, 95), new("gpu.utilization", "%", "gpu0", 20, 90, 100),
        ];
        for (var k = 1; k <= 3; k++)
        {
            await results.WriteRunAsync("box-a", C1, k, SloResults.Requests(40, 0.1, 0.02), 20, power);
            await results.WriteRunAsync("box-a", C8, k, SloResults.Requests(40, 0.3, 0.03), RepeatDurations[k - 1], power);
            await results.WriteRunAsync("box-a", C32, k, SloResults.Requests(40, 0.9, 0.03), 5, power);
        }

        await results.WriteSweepAsync("box-a", search: false, "grid complete", []);
        await results.WriteRunAsync("box-b", C1, null, SloResults.Requests(40, 0.05, 0.01, spread: 50), 20);
        await results.WriteRunAsync("box-b", C8, null, SloResults.Requests(40, 0.1, 0.01, spread: 50), 5);
        await results.WriteRunAsync("box-b", C32, null, SloResults.Requests(40, 0.2, 0.02, spread: 50), boxBDurationAtC32);
        await results.WriteRunAsync("box-b", C64, null, SloResults.Requests(40, 0.8, 0.02, spread: 50), 1.5);
        await results.WriteSweepAsync("box-b", search: true, "bracket narrowed to c32–c64", [
            new SweepPointRecord { Point = "c32", Load = 32, Repeats = 1, Why = "start: predicted limit" },
            new SweepPointRecord { Point = "c64", Load = 64, Repeats = 1, Why = "bracket up" },
        ]);
        await results.WriteRunAsync("box-c", C1, null, SloResults.Requests(40, 0.6, 0.06), 30);
    }
}
