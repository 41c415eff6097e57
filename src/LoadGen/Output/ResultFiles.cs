using System.Globalization;
using GpuBench.Core.Metrics;
using GpuBench.LoadGen.Options;
using GpuBench.LoadGen.Running;

namespace GpuBench.LoadGen.Output;

/// <summary>
/// Writes a run's files side by side: the vLLM-style JSON (<c>--save-result</c>), the text block, and the
/// per-request JSONL. Names follow vLLM's default result file name unless one is given.
/// </summary>
public static class ResultFiles
{
    public sealed record Written(string Json, string Text, string Requests);

    /// <summary>vLLM's default: {backend}-{rate}qps[-concurrency{n}]-{model}-{yyyyMMdd-HHmmss}.json.</summary>
    public static string DefaultFileName(LoadResult result, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(result);
        var backend = result.Options.Backend == Backend.OpenAIChat ? "openai-chat" : "openai";
        var rate = double.IsPositiveInfinity(result.Options.RequestRate) ? "inf" : result.Options.RequestRate.ToString(CultureInfo.InvariantCulture);
        var concurrency = result.Options.MaxConcurrency is { } n ? $"-concurrency{n}" : "";
        var model = result.Model.Split('/')[^1];
        return $"{backend}-{rate}qps{concurrency}-{model}-{now.UtcDateTime:yyyyMMdd-HHmmss}.json";
    }

    public static async Task<Written> WriteAsync(
        LoadResult result, string directory, string fileName, IReadOnlyList<string> percentileMetrics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, fileName);
        var stem = Path.Combine(directory, Path.GetFileNameWithoutExtension(fileName));
        var written = new Written(json, stem + ".txt", stem + ".requests.jsonl");

        await File.WriteAllTextAsync(written.Json, ResultJson.Serialize(result.Metrics), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(written.Text, BenchmarkTextBlock.Format(result.Metrics, percentileMetrics), cancellationToken).ConfigureAwait(false);
        var lines = File.Create(written.Requests);
        await using (lines.ConfigureAwait(false))
        {
            await ResultJson.WriteLinesAsync(lines, result.Requests, cancellationToken).ConfigureAwait(false);
        }

        return written;
    }
}
