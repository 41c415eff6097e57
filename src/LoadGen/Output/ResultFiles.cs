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

    /// <summary>vLLM's <c>--label</c>, <c>--metadata KEY=VALUE</c> and <c>--save-detailed</c>.</summary>
    public sealed record SaveSettings(string? Label = null, Dictionary<string, string>? Metadata = null, bool Detailed = false);

    /// <summary>vLLM's default: {label or backend}-{rate}qps[-concurrency{n}]-{model}-{yyyyMMdd-HHmmss}.json.</summary>
    public static string DefaultFileName(LoadResult result, DateTimeOffset now, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rate = double.IsPositiveInfinity(result.Options.RequestRate) ? "inf" : result.Options.RequestRate.ToString(CultureInfo.InvariantCulture);
        var concurrency = result.Options.MaxConcurrency is { } n ? $"-concurrency{n}" : "";
        var model = result.Model.Split('/')[^1];
        return $"{label ?? BackendName(result.Options.Backend)}-{rate}qps{concurrency}-{model}-{Stamp(now)}.json";
    }

    /// <summary>What the JSON file holds: the run's setup as vLLM records it, its metrics and its requests.</summary>
    public static SavedResult ToSaved(LoadResult result, DateTimeOffset now, SaveSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        settings ??= new SaveSettings();
        return new SavedResult
        {
            Date = Stamp(now),
            Backend = BackendName(result.Options.Backend),
            Label = settings.Label,
            ModelId = result.Model,
            TokenizerId = result.Model,
            NumPrompts = result.Options.NumPrompts,
            Burstiness = result.Options.Burstiness,
            Metadata = settings.Metadata ?? [],
            Metrics = result.Metrics,
            Requests = result.Requests,
            Detailed = settings.Detailed,
            Percentiles = result.Options.Metrics.Percentiles,
        };
    }

    public static async Task<Written> WriteAsync(
        LoadResult result, string directory, string fileName, IReadOnlyList<string> percentileMetrics, SaveSettings? settings,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, fileName);
        var stem = Path.Combine(directory, Path.GetFileNameWithoutExtension(fileName));
        var written = new Written(json, stem + ".txt", stem + ".requests.jsonl");

        await File.WriteAllTextAsync(written.Json, ResultJson.SerializeSaved(ToSaved(result, now, settings)), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(written.Text, BenchmarkTextBlock.Format(result.Metrics, percentileMetrics), cancellationToken).ConfigureAwait(false);
        var lines = File.Create(written.Requests);
        await using (lines.ConfigureAwait(false))
        {
            await ResultJson.WriteLinesAsync(lines, result.Requests, cancellationToken).ConfigureAwait(false);
        }

        return written;
    }

    private static string BackendName(Backend backend) => backend == Backend.OpenAIChat ? "openai-chat" : "openai";

    private static string Stamp(DateTimeOffset now) => now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
}
