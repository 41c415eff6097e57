using GpuBench.Reporting.Charts;
using GpuBench.Reporting.Pricing;
using GpuBench.Reporting.Slo;
using GpuBench.Reporting.Tests.Slo;
using GpuBench.TestSupport;
using Microsoft.Playwright;

namespace GpuBench.Reporting.Tests.Rendering;

/// <summary>
/// The SLO charts as a reader sees them: report.html opened in headless Chromium, each chart's pixels read back from
/// a canvas. The SLO bound and the Pareto frontier have colours no other mark uses, so finding them in the pixels
/// shows they were drawn, and where.
/// </summary>
public sealed class SloChartsInChromiumTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("gpubench-slo-html-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task The_slo_charts_render_with_the_slo_bound_drawn_across_and_every_pareto_point_marked()
    {
        Prerequisite.Require(HeadlessChromium.Available, $"Debian's chromium at {HeadlessChromium.ExecutablePath} (apt-get install chromium; .ci/prerequisites installs it)");
        var cancellationToken = TestContext.Current.CancellationToken;
        var results = Path.Combine(_root.FullName, "results");
        await SloReportTests.WriteCampaignAsync(results, boxBDurationAtC32: 2);
        var output = Path.Combine(AppContext.BaseDirectory, "artifacts", "slo-report");
        var report = await ReportGenerator.GenerateAsync(new ReportRequest(results, output, PriceTable.Empty), cancellationToken);
        var workload = report.Slo.Workloads.Single();
        var frontier = CostPoint.ParetoFrontier(CostPoint.Of(workload.Configurations));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var problems = new List<string>();
        page.PageError += (_, error) => problems.Add($"page error: {error}");
        await page.GotoAsync(new Uri(report.HtmlPath).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        var charts = await page.EvaluateAsync<ChartPixels[]>(PixelScript, new object[] { Rgb(SloCharts.SloBound), Rgb(SloCharts.Frontier) });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(output, "slo-report-html.png"), FullPage = true });

        Assert.Empty(problems);
        var byId = charts.ToDictionary(c => c.Id);
        Assert.All(["slo-chat-ttft", "slo-chat-tpot", "slo-chat-cost"], id =>
        {
            Assert.True(byId.ContainsKey(id), $"{id} is not on the page: {string.Join(", ", byId.Keys)}");
            Assert.True(byId[id].Complete && byId[id].NaturalWidth > 0 && byId[id].ShownWidth > 0, $"{id} did not render");
        });
        // The bound is one horizontal dashed line across the plot: one row holds its colour over a third of the width.
        Assert.InRange(byId["slo-chat-ttft"].WidestBoundRow, byId["slo-chat-ttft"].NaturalWidth / 3, byId["slo-chat-ttft"].NaturalWidth);
        Assert.InRange(byId["slo-chat-tpot"].WidestBoundRow, byId["slo-chat-tpot"].NaturalWidth / 3, byId["slo-chat-tpot"].NaturalWidth);
        Assert.True(byId["slo-chat-cost"].WidestBoundRow < 5, "the cost chart has no SLO bound, so nothing else may take its colour");
        // One ring per point of the frontier, and one more: the legend's sample of it.
        Assert.True(frontier.Count >= 2, $"the fixture's frontier should hold several points: {frontier.Count}");
        Assert.Equal(frontier.Count + 1, byId["slo-chat-cost"].FrontierMarks);
        Assert.Equal(0, byId["slo-chat-ttft"].FrontierMarks);
        var alt = await page.GetAttributeAsync("#slo-chat-cost", "alt");
        Assert.Contains("Pareto frontier: ", alt, StringComparison.Ordinal);
        Assert.Contains("SLO bound TTFT ≤ 500 ms", await page.GetAttributeAsync("#slo-chat-ttft", "alt"), StringComparison.Ordinal);
    }

    private static int[] Rgb(ScottPlot.Color color) => [color.R, color.G, color.B];

    /// <summary>
    /// Per chart: the most pixels of the bound's colour in one row, and the connected patches (40 pixels or more) of
    /// the frontier's colour; a pixel matches a colour within a small distance, for anti-aliased edges.
    /// </summary>
    private const string PixelScript = """
        ([bound, frontier]) => [...document.querySelectorAll('img.chart')].map(img => {
          const w = img.naturalWidth, h = img.naturalHeight;
          const canvas = document.createElement('canvas');
          canvas.width = w; canvas.height = h;
          const context = canvas.getContext('2d');
          context.drawImage(img, 0, 0);
          const d = context.getImageData(0, 0, w, h).data;
          const near = (p, c) => Math.abs(d[p * 4] - c[0]) + Math.abs(d[p * 4 + 1] - c[1]) + Math.abs(d[p * 4 + 2] - c[2]) < 60;
          let widest = 0;
          for (let y = 0; y < h; y++) {
            let n = 0;
            for (let x = 0; x < w; x++) if (near(y * w + x, bound)) n++;
            widest = Math.max(widest, n);
          }
          const seen = new Uint8Array(w * h);
          let marks = 0;
          for (let p = 0; p < w * h; p++) {
            if (seen[p] || !near(p, frontier)) continue;
            let size = 0;
            const stack = [p];
            seen[p] = 1;
            while (stack.length) {
              const q = stack.pop();
              size++;
              const x = q % w, y = (q - x) / w;
              for (const [nx, ny] of [[x + 1, y], [x - 1, y], [x, y + 1], [x, y - 1]]) {
                const n = ny * w + nx;
                if (nx >= 0 && ny >= 0 && nx < w && ny < h && !seen[n] && near(n, frontier)) { seen[n] = 1; stack.push(n); }
              }
            }
            if (size >= 40) marks++;
          }
          return { id: img.id, complete: img.complete, naturalWidth: w, shownWidth: img.getBoundingClientRect().width, widestBoundRow: widest, frontierMarks: marks };
        })
        """;

    /// <summary>Filled by Playwright from the page's answer, so it needs a parameterless constructor and setters.</summary>
    private sealed class ChartPixels
    {
        public string Id { get; set; } = "";

        public bool Complete { get; set; }

        public int NaturalWidth { get; set; }

        public double ShownWidth { get; set; }

        public int WidestBoundRow { get; set; }

        public int FrontierMarks { get; set; }
    }
}
