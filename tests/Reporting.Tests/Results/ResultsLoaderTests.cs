using GpuBench.TestSupport;

namespace GpuBench.Reporting.Tests.Results;

public sealed class ResultsLoaderTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("gpubench-loader-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task A_broken_result_file_is_skipped_with_its_reason_and_the_rest_is_reported()
    {
        const string Good = "pro6000_x_1_cpatonn_GLM-4.5-Air-AWQ-4bit_vllm_benchmark.txt";
        File.Copy(Fixtures.PathOf("seed-results", Good), Path.Combine(_root.FullName, Good));
        await File.WriteAllTextAsync(Path.Combine(_root.FullName, "rtx4090_x_1_org_cut_short_vllm_benchmark.txt"), "the run died here\n", TestContext.Current.CancellationToken);
        Directory.CreateDirectory(Path.Combine(_root.FullName, "c", "s", "m", "w"));
        await File.WriteAllTextAsync(Path.Combine(_root.FullName, "c", "s", "m", "w", "result.json"), "{ not json", TestContext.Current.CancellationToken);

        var output = await SeedReport.GenerateAsync("loader-skips", results: _root.FullName);

        Assert.Single(output.Report.Rows);
        Assert.Equal(2, output.Skipped.Count);
        Assert.Contains(output.Skipped, s => s.Path == "rtx4090_x_1_org_cut_short_vllm_benchmark.txt" && s.Reason.Contains("Serving Benchmark Result", StringComparison.Ordinal));
        Assert.Contains(output.Skipped, s => s.Path == Path.Combine("c", "s", "m", "w", "result.json"));
        var markdown = await File.ReadAllTextAsync(output.MarkdownPath, TestContext.Current.CancellationToken);
        Assert.Contains("## Files not read", markdown, StringComparison.Ordinal);
        Assert.Contains("- ⚠ rtx4090_x_1_org_cut_short_vllm_benchmark.txt: ", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_with_no_results_is_an_error_that_says_what_was_expected()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SeedReport.GenerateAsync("loader-empty", results: _root.FullName));

        Assert.Contains("_vllm_benchmark.txt", error.Message, StringComparison.Ordinal);
        Assert.Contains("result.json", error.Message, StringComparison.Ordinal);
    }
}
