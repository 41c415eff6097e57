using GpuBench.Core.Metrics;

namespace GpuBench.Reporting.Tests;

/// <summary>Writes a GpuBench run folder as a campaign leaves it: result.json, benchmark.txt and requests.jsonl.</summary>
internal static class TestCampaign
{
    public static async Task WriteRunAsync(string folder, IReadOnlyList<RequestRecord> records)
    {
        Directory.CreateDirectory(folder);
        var metrics = MetricsCalculator.Compute(records, records.Max(r => r.StartS + r.E2elS), new MetricsOptions { MaxConcurrency = 8 });
        await File.WriteAllTextAsync(Path.Combine(folder, "result.json"), ResultJson.Serialize(metrics), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "benchmark.txt"), BenchmarkTextBlock.Format(metrics), TestContext.Current.CancellationToken);
        await using var lines = File.Create(Path.Combine(folder, "requests.jsonl"));
        await ResultJson.WriteLinesAsync(lines, records, TestContext.Current.CancellationToken);
    }

    /// <summary>Requests of 200 prompt and 100 output tokens, eight at a time, the last few failing.</summary>
    public static List<RequestRecord> Requests(int count, int failures) =>
        [.. Enumerable.Range(0, count).Select(i => i < count - failures
            ? new RequestRecord
            {
                Index = i,
                StartS = i / 8 * 2.0,
                TtftS = 0.3,
                ItlS = [.. Enumerable.Repeat(0.015, 99)],
                E2elS = 0.3 + 99 * 0.015,
                PromptTokens = 200,
                OutputTokens = 100,
                Success = true,
            }
            : new RequestRecord { Index = i, StartS = i / 8 * 2.0, E2elS = 0.1, ErrorKind = RequestErrorKind.Http, Error = "503", Success = false })];
}
