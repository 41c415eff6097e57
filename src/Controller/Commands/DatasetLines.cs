using GpuBench.Core.Metrics;

namespace GpuBench.Controller.Commands;

/// <summary>The lines <c>gpubench load</c> and <c>gpubench predict</c> print about what a run sent: the dataset, and how the prefix cache and each turn fared.</summary>
public static class DatasetLines
{
    /// <summary>The dataset (file, hash, requests and conversations) and its sampled lengths; nothing when none was recorded.</summary>
    public static IEnumerable<string> Dataset(GpuBenchMetrics ours)
    {
        ArgumentNullException.ThrowIfNull(ours);
        if (ours.Dataset is not { } dataset)
        {
            yield break;
        }

        yield return $"Dataset: {dataset.Name}{(dataset.File is { } file ? $" ({file}, sha256 {dataset.Sha256?[..12]}…)" : "")}, {dataset.Requests} requests" +
            (dataset.Conversations is { } conversations ? $" in {conversations} conversations" : "");
        yield return $"Input tokens: median {dataset.InputLens.Median:0}, p90 {dataset.InputLens.Percentiles["90"]:0}, max {dataset.InputLens.Max}; " +
            $"output tokens: median {dataset.OutputLens.Median:0}, p90 {dataset.OutputLens.Percentiles["90"]:0}, max {dataset.OutputLens.Max}";
    }

    /// <summary>The prefix-cache hit rate and one line per turn of a multi-turn run.</summary>
    public static IEnumerable<string> CacheAndTurns(GpuBenchMetrics ours)
    {
        ArgumentNullException.ThrowIfNull(ours);
        if (ours.PrefixCache is { } cache)
        {
            yield return $"Prefix cache hit rate: {cache.HitRate * 100:0.0}% ({cache.Hits:N0} of {cache.Queries:N0} prompt tokens)";
        }

        foreach (var turn in ours.Turns ?? [])
        {
            yield return $"Turn {turn.Turn}: {turn.Completed}/{turn.Requests} completed, mean input {turn.MeanInputTokens:0} tokens, " +
                $"TTFT (ms) median {turn.Ttft.Median:0.00}, TPOT (ms) median {turn.Tpot.Median:0.00}, E2EL (ms) median {turn.E2el.Median:0.00}";
        }
    }
}
