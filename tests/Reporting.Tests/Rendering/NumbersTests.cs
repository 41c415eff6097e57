using GpuBench.Reporting.Analysis;
using GpuBench.Reporting.Pricing;
using GpuBench.Reporting.Rendering;
using GpuBench.Reporting.Runs;

namespace GpuBench.Reporting.Tests.Rendering;

public class NumbersTests
{
    [Theory]
    [InlineData(0.04798, "$0.048")]
    [InlineData(0.11305, "$0.113")]
    [InlineData(0.4637, "$0.464")]
    [InlineData(0.004321, "$0.00432")]
    [InlineData(null, "no price")]
    public void Cost_per_million_tokens_reads_as_the_article_prints_it(double? usd, string text) =>
        Assert.Equal(text, Numbers.UsdPerMtok(usd));

    [Fact]
    public void Figures_use_invariant_grouping_and_missing_ones_say_so()
    {
        Assert.Equal("12,744", Numbers.TokensPerS(12743.99));
        Assert.Equal("$1.56", Numbers.UsdPerHour(1.56));
        Assert.Equal("no price", Numbers.UsdPerHour(null));
        Assert.Equal("42,030", Numbers.Milliseconds(42030.31));
        Assert.Equal("30.9", Numbers.Milliseconds(30.89));
        Assert.Equal("—", Numbers.Milliseconds(null));
        Assert.Equal("99%", Numbers.Percent(0.9854));
    }

    [Fact]
    public void A_run_without_p99_shows_a_dash_not_zero()
    {
        var run = TestRuns.Make("a", 1, 1000);
        run = run with { Metrics = run.Metrics with { Ttft = new LatencySummary(1000, 900, null) } };
        var row = ReportAnalyzer.Analyze([run], PriceTable.Empty).Models.Single().Rows.Single();

        var cells = ReportComposer.ConfigurationCells(row);

        Assert.Equal("—", cells[ReportComposer.ConfigurationHeaders.ToList().IndexOf("TTFT p99 (ms)")]);
        Assert.Equal("no price", cells[ReportComposer.ConfigurationHeaders.ToList().IndexOf("$/hour")]);
    }

    [Fact]
    public void Markdown_tables_escape_pipes_and_right_align_figures()
    {
        var document = new ReportDocument("t", [new Table(["name", "n"], [["a|b", "1"]], new HashSet<int> { 1 })]);

        var markdown = MarkdownWriter.Write(document);

        Assert.Contains("| name | n |\n|---|---:|\n| a\\|b | 1 |", markdown.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }
}
