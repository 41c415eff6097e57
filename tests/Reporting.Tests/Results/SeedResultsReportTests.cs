using System.Globalization;
using System.Security.Cryptography;
using GpuBench.Reporting.Analysis;
using GpuBench.Reporting.Pricing;
using GpuBench.TestSupport;

namespace GpuBench.Reporting.Tests.Results;

/// <summary>The report of the article's raw result files reproduces the article's published figures.</summary>
public class SeedResultsReportTests
{
    [Fact]
    public async Task Every_published_row_is_reproduced_within_rounding()
    {
        var output = await SeedReport.GenerateAsync("seed-every-row");
        var rows = output.Report.Rows.ToList();
        var published = PublishedRows();

        Assert.Equal(published.Count, rows.Count);
        foreach (var expected in published)
        {
            var row = Assert.Single(rows, r => expected.Matches(r));
            Assert.Equal(expected.OutputTokS, row.Run.Metrics.OutputTokensPerS, 2);
            Assert.Equal(expected.TotalTokS, row.Run.Metrics.TotalTokensPerS, 2);
            if (expected.UsdPerMtokTotal is { } usd)
            {
                // The article printed 3 significant digits; the computed figure must round to what it printed.
                var tolerance = 0.5 * Math.Pow(10, -expected.UsdDecimals) + 1e-9;
                Assert.True(
                    Math.Abs(row.UsdPerMtokTotal!.Value - usd) <= tolerance,
                    $"{expected}: computed ${row.UsdPerMtokTotal:0.00000}/Mtok, published ${usd}");
            }
            else if (expected.Gpu == "l40s")
            {
                Assert.Null(row.UsdPerMtokTotal);
            }
        }
    }

    [Fact]
    public async Task Headline_figures_read_as_the_article_printed_them()
    {
        var output = await SeedReport.GenerateAsync("seed-headline");
        var markdown = await File.ReadAllTextAsync(output.MarkdownPath, TestContext.Current.CancellationToken);

        var rtx4090 = Row(output, "QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ", "rtx4090", 1);
        Assert.Equal(2259.13, rtx4090.Run.Metrics.TotalTokensPerS, 2);
        Assert.Contains("| rtx4090 | 1 | 1 × 1 | 400 | 1,131 | 2,259 | $0.39 | $0.048 | $0.096 |", markdown, StringComparison.Ordinal);

        var pro6000 = Row(output, "cpatonn/GLM-4.5-Air-AWQ-4bit", "pro6000", 1);
        Assert.Equal("$0.113", GpuBench.Reporting.Rendering.Numbers.UsdPerMtok(pro6000.UsdPerMtokTotal));
        Assert.Contains("| pro6000 | 1 | 1 × 1 | 400 | 1,586 | 3,169 | $1.29 | $0.113 |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_l40s_llama_run_is_marked_invalid_everywhere_and_never_wins()
    {
        var output = await SeedReport.GenerateAsync("seed-invalid");
        const string Mark = "invalid: 221 of 1200 requests failed";
        var model = output.Report.Models.Single(m => m.Model == "ibnzterrell/Meta-Llama-3.3-70B-Instruct-AWQ-INT4");
        var l40s = model.Rows.Single(r => r.Run.GpuType == "l40s");

        Assert.Equal(Mark, l40s.Run.Status);
        Assert.False(l40s.Run.IsValid);
        Assert.Equal(979, l40s.Run.Metrics.Completed);
        Assert.Equal(1, output.Report.Rows.Count(r => !r.Run.IsValid));
        Assert.NotSame(l40s, model.ThroughputWinner);
        Assert.Contains($"⚠ {Mark}", await File.ReadAllTextAsync(output.MarkdownPath, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains($"⚠ {Mark}", System.Net.WebUtility.HtmlDecode(await File.ReadAllTextAsync(output.HtmlPath, TestContext.Current.CancellationToken)), StringComparison.Ordinal);
        Assert.Contains($",{Mark},", await File.ReadAllTextAsync(output.CsvPath, TestContext.Current.CancellationToken), StringComparison.Ordinal);

        // Every chart of the model names the run as invalid (alt text carries the chart's labels).
        var html = System.Net.WebUtility.HtmlDecode(await File.ReadAllTextAsync(output.HtmlPath, TestContext.Current.CancellationToken));
        var slug = ReportGenerator.Slug(model.Model);
        foreach (var chart in new[] { "throughput", "cost", "ttft", "tpot" })
        {
            var tag = html[html.IndexOf($"id=\"{slug}-{chart}\"", StringComparison.Ordinal)..];
            Assert.Contains($"2× l40s · 2 × 1 — {Mark.ToUpperInvariant()}", tag[..tag.IndexOf('>', StringComparison.Ordinal)], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Gpus_without_a_price_show_no_price_never_zero()
    {
        var output = await SeedReport.GenerateAsync("seed-no-price");
        var markdown = await File.ReadAllTextAsync(output.MarkdownPath, TestContext.Current.CancellationToken);
        var l40sLines = markdown.Split('\n').Where(l => l.StartsWith("| l40s |", StringComparison.Ordinal)).ToList();

        Assert.Equal(3, l40sLines.Count);
        // $/hour, $/Mtok on the total-token basis and on the output-token basis are adjacent columns.
        Assert.All(l40sLines, line => Assert.Contains("| no price | no price | no price |", line, StringComparison.Ordinal));
        Assert.DoesNotContain("$0.00 ", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("$0.000 ", markdown, StringComparison.Ordinal);
        Assert.Contains("l40s: no price", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_price_override_changes_the_cost_and_nothing_in_the_results()
    {
        var before = HashOf(SeedReport.ResultsDirectory);
        var prices = SeedPrices.Article.With([PriceTable.ParseOverride("rtx4090=0.45")]);

        var output = await SeedReport.GenerateAsync("seed-price-override", prices);

        var row = Row(output, "QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ", "rtx4090", 1);
        Assert.Equal(0.45 / (2259.13 * 3600) * 1e6, row.UsdPerMtokTotal!.Value, 9);
        Assert.Equal(2259.13, row.Run.Metrics.TotalTokensPerS, 2);
        Assert.Equal(0.0425, Row(output, "QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ", "pro6000", 1).UsdPerMtokTotal!.Value, 4);
        Assert.Equal(before, HashOf(SeedReport.ResultsDirectory));
    }

    [Fact]
    public async Task Summary_csv_matches_the_golden_file()
    {
        var output = await SeedReport.GenerateAsync("seed-csv");

        var golden = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Golden", "seed-summary.csv"), TestContext.Current.CancellationToken);
        Assert.Equal(golden, await File.ReadAllTextAsync(output.CsvPath, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Layouts_gpus_and_hardware_come_from_inside_the_files()
    {
        var output = await SeedReport.GenerateAsync("seed-layouts");

        var tp4 = Assert.Single(output.Report.Rows, r => r.Run.Layout.ToString() == "1 × tp4");
        Assert.Equal(("rtx5090", 4, 200), (tp4.Run.GpuType, tp4.Run.GpuCount, tp4.Run.Workload.MaxConcurrency));
        Assert.Contains("tensor-parallel", tp4.Run.SourcePath, StringComparison.Ordinal);
        Assert.Equal("NVIDIA GeForce RTX 5090", tp4.Run.Hardware.GpuName);
        Assert.Equal("12.9", tp4.Run.Hardware.Cuda);
        var pp2 = Row(output, "ibnzterrell/Meta-Llama-3.3-70B-Instruct-AWQ-INT4", "rtx4090", 4);
        Assert.Equal("2 × pp2", pp2.Run.Layout.ToString());
    }

    [Fact]
    public async Task Scaling_efficiency_compares_per_gpu_throughput_with_one_gpu_of_the_same_type()
    {
        var output = await SeedReport.GenerateAsync("seed-scaling");

        var x4 = Row(output, "QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ", "rtx4090", 4);
        Assert.Equal(8902.50 / 4 / 2259.13, x4.ScalingEfficiency!.Value, 6);
        Assert.Null(Row(output, "cpatonn/GLM-4.5-Air-AWQ-4bit", "rtx4090", 4).ScalingEfficiency);
        Assert.Contains("| 99% | ok |", await File.ReadAllTextAsync(output.MarkdownPath, TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Winners_match_the_article()
    {
        var output = await SeedReport.GenerateAsync("seed-winners");
        var glm = output.Report.Models.Single(m => m.Model == "cpatonn/GLM-4.5-Air-AWQ-4bit");
        var qwen = output.Report.Models.Single(m => m.Model == "QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ");

        Assert.Equal("4× rtx5090 · 1 × pp4", glm.ThroughputWinner!.Label);
        Assert.Equal("1× pro6000 · 1 × 1", glm.CostWinner!.Label);
        Assert.Equal("4× rtx5090 · 4 × 1", qwen.ThroughputWinner!.Label);
        Assert.Equal("1× rtx5090 · 1 × 1", qwen.CostWinner!.Label);
    }

    [Fact]
    public async Task Without_per_request_records_the_timeline_chart_is_skipped_and_the_report_says_so()
    {
        var output = await SeedReport.GenerateAsync("seed-timeline");

        Assert.DoesNotContain(output.ChartPaths, p => p.EndsWith("-timeline.png", StringComparison.Ordinal));
        Assert.Equal(3 * 4, output.ChartPaths.Count);
        Assert.Single(output.Notes);
        Assert.Contains("requests.jsonl", output.Notes[0], StringComparison.Ordinal);
        Assert.Contains("**Tokens/s over the run:** not drawn", await File.ReadAllTextAsync(output.MarkdownPath, TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_model_flag_inside_the_file_names_the_model_even_with_underscores()
    {
        var folder = Directory.CreateTempSubdirectory("gpubench-underscores-");
        try
        {
            var source = Fixtures.PathOf("seed-results", "pro6000_x_1_cpatonn_GLM-4.5-Air-AWQ-4bit_vllm_benchmark.txt");
            var text = (await File.ReadAllTextAsync(source, TestContext.Current.CancellationToken))
                .Replace("cpatonn/GLM-4.5-Air-AWQ-4bit", "my_org/GLM_4.5_Air_AWQ", StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "pro6000_x_1_my_org_GLM_4.5_Air_AWQ_vllm_benchmark.txt"), text, TestContext.Current.CancellationToken);

            var output = await SeedReport.GenerateAsync("seed-underscores", results: folder.FullName);

            var row = Assert.Single(output.Report.Rows);
            Assert.Equal("my_org/GLM_4.5_Air_AWQ", row.Run.Model);
            Assert.Equal(("pro6000_x_1", "pro6000", 1), (row.Run.Server, row.Run.GpuType, row.Run.GpuCount));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static ConfigurationRow Row(ReportOutput output, string model, string gpu, int count) =>
        output.Report.Models.Single(m => m.Model == model).Rows.Single(r => r.Run.GpuType == gpu && r.Run.GpuCount == count);

    private static string HashOf(string folder)
    {
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(folder, file)));
            sha.AppendData(File.ReadAllBytes(file));
            sha.AppendData(BitConverter.GetBytes(File.GetLastWriteTimeUtc(file).Ticks));
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }

    private static List<PublishedRow> PublishedRows() =>
        File.ReadLines(Fixtures.PathOf("seed-results.csv"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Skip(1)
            .Select(PublishedRow.Parse)
            .ToList();

    /// <summary>One row of tests/fixtures/seed-results.csv, the article's published table.</summary>
    private sealed record PublishedRow(
        string Model, string Gpu, int GpuCount, int Replicas, int Tp, int Pp, int Concurrency,
        double OutputTokS, double TotalTokS, double? UsdPerMtokTotal, int UsdDecimals)
    {
        public static PublishedRow Parse(string line)
        {
            var c = line.Split(',');
            int Int(int i) => int.Parse(c[i], CultureInfo.InvariantCulture);
            double Num(int i) => double.Parse(c[i], CultureInfo.InvariantCulture);
            var usd = c[12];
            return new PublishedRow(
                c[0], c[1], Int(2), Int(3), Int(4), Int(5), Int(8), Num(10), Num(11),
                usd.Length == 0 ? null : Num(12),
                usd.Length == 0 ? 0 : usd.Length - usd.IndexOf('.', StringComparison.Ordinal) - 1);
        }

        public bool Matches(ConfigurationRow row) =>
            row.Run.Model == Model && row.Run.GpuType == Gpu && row.Run.GpuCount == GpuCount
            && row.Run.Layout.Replicas == Replicas && row.Run.Layout.TensorParallel == Tp
            && row.Run.Layout.PipelineParallel == Pp && row.Run.Workload.MaxConcurrency == Concurrency;
    }

    [Fact]
    public async Task A_report_written_again_replaces_only_the_charts_the_last_report_wrote()
    {
        var output = Path.Combine(AppContext.BaseDirectory, "artifacts", "seed-charts-again");
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        var request = new ReportRequest(SeedReport.ResultsDirectory, output, SeedPrices.Article);
        var first = await ReportGenerator.GenerateAsync(request, TestContext.Current.CancellationToken);
        var charts = Path.Combine(output, "charts");
        var stale = Path.Combine(charts, "chart-of-a-model-no-longer-there.png");
        var mine = Path.Combine(charts, "my-own-figure.png");
        await File.WriteAllTextAsync(stale, "stale", TestContext.Current.CancellationToken);
        await File.AppendAllLinesAsync(Path.Combine(charts, ReportGenerator.ChartManifest), [Path.GetFileName(stale)], TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(mine, "not GpuBench's", TestContext.Current.CancellationToken);

        var second = await ReportGenerator.GenerateAsync(request, TestContext.Current.CancellationToken);

        Assert.NotEmpty(second.ChartPaths);
        Assert.All(second.ChartPaths, p => Assert.True(File.Exists(p)));
        Assert.False(File.Exists(stale), "a chart the last report wrote and this one did not lingers");
        Assert.True(File.Exists(mine), "a file GpuBench did not write was deleted");
        Assert.Equal(first.ChartPaths.Select(Path.GetFileName), await File.ReadAllLinesAsync(Path.Combine(charts, ReportGenerator.ChartManifest), TestContext.Current.CancellationToken));
    }
}
