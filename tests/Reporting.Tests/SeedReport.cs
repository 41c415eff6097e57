using GpuBench.Reporting.Pricing;
using GpuBench.TestSupport;

namespace GpuBench.Reporting.Tests;

/// <summary>Generates the report of the article's own result files into a fresh folder under the test output.</summary>
internal static class SeedReport
{
    public static string ResultsDirectory => Fixtures.PathOf("seed-results");

    public static Task<ReportOutput> GenerateAsync(string name, PriceTable? prices = null, string? results = null)
    {
        var output = Path.Combine(AppContext.BaseDirectory, "artifacts", name);
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        return ReportGenerator.GenerateAsync(
            new ReportRequest(results ?? ResultsDirectory, output, prices ?? SeedPrices.Article),
            TestContext.Current.CancellationToken);
    }
}
