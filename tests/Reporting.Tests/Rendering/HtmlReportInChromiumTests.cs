using GpuBench.TestSupport;
using Microsoft.Playwright;

namespace GpuBench.Reporting.Tests.Rendering;

public class HtmlReportInChromiumTests
{
    [Fact]
    public async Task Report_html_opens_offline_without_console_errors_and_every_chart_renders()
    {
        Prerequisite.Require(HeadlessChromium.Available, $"Debian's chromium at {HeadlessChromium.ExecutablePath} (apt-get install chromium; .ci/prerequisites installs it)");
        var cancellationToken = TestContext.Current.CancellationToken;
        var output = Path.Combine(AppContext.BaseDirectory, "artifacts", "html-report");
        using var results = await MixedResultsAsync();
        var report = await ReportGenerator.GenerateAsync(new ReportRequest(results.Path, output, SeedPrices.Article), cancellationToken);
        var expectedCharts = report.ChartPaths.Select(p => Path.GetFileNameWithoutExtension(p)!).ToHashSet();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                problems.Add($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Add($"page error: {error}");
        // Anything but the file itself and its inline data: URIs is a dependency the report must not have.
        await page.RouteAsync("**/*", async route =>
        {
            var url = route.Request.Url;
            if (url.StartsWith("file:", StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal))
            {
                await route.ContinueAsync();
                return;
            }

            problems.Add($"external request: {url}");
            await route.AbortAsync();
        });

        await page.GotoAsync(new Uri(report.HtmlPath).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        var charts = await page.EvaluateAsync<RenderedChart[]>(
            """
            () => [...document.querySelectorAll('img.chart')].map(img => {
              const box = img.getBoundingClientRect();
              return { id: img.id, complete: img.complete, naturalWidth: img.naturalWidth, width: box.width, height: box.height };
            })
            """);
        var screenshot = Path.Combine(output, "report-html.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        var where = $"Screenshot of report.html in headless Chromium: {screenshot}";
        TestContext.Current.TestOutputHelper?.WriteLine(where);
        TestContext.Current.SendDiagnosticMessage(where);
        Console.WriteLine(where);

        Assert.Empty(problems);
        Assert.Contains(charts, c => c.Id.EndsWith("-timeline", StringComparison.Ordinal));
        Assert.Equal(expectedCharts, charts.Select(c => c.Id).ToHashSet());
        Assert.All(charts, c =>
        {
            Assert.True(c.Complete, $"{c.Id} did not finish loading");
            Assert.True(c.NaturalWidth > 0, $"{c.Id} did not decode");
            Assert.True(c.Width > 0 && c.Height > 0, $"{c.Id} has no size on the page");
        });
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is empty");
    }

    /// <summary>
    /// The article's files plus one GpuBench run folder with per-request records, so the page carries every kind of
    /// chart, the tokens/s timeline included.
    /// </summary>
    private static async Task<TemporaryFolder> MixedResultsAsync()
    {
        var folder = new TemporaryFolder();
        var seed = Fixtures.PathOf("seed-results");
        foreach (var file in Directory.EnumerateFiles(seed, "*", SearchOption.AllDirectories))
        {
            var copy = System.IO.Path.Combine(folder.Path, "article", System.IO.Path.GetRelativePath(seed, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        var run = System.IO.Path.Combine(folder.Path, "campaign-1", "rtx4090_x_2", "qwen3-coder-30b", "smoke");
        await TestCampaign.WriteRunAsync(run, TestCampaign.Requests(40, failures: 0));
        File.Copy(
            System.IO.Path.Combine(seed, "rtx4090_x_2_QuantTrio_Qwen3-Coder-30B-A3B-Instruct-AWQ_vllm_benchmark.txt"),
            System.IO.Path.Combine(run, "compose.yaml"));
        return folder;
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("gpubench-html-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    /// <summary>Filled by Playwright from the page's answer, so it needs a parameterless constructor and setters.</summary>
    private sealed class RenderedChart
    {
        public string Id { get; set; } = "";

        public bool Complete { get; set; }

        public int NaturalWidth { get; set; }

        public double Width { get; set; }

        public double Height { get; set; }
    }
}
