using System.Globalization;
using GpuBench.Core.Metrics;
using GpuBench.Reporting.Runs;

namespace GpuBench.Reporting.Rendering;

/// <summary>What a run's load was, in words: the dataset (file and hash), and its prompt and output lengths in tokens.</summary>
public static class WorkloadText
{
    public static string Describe(BenchmarkRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var w = run.Workload;
        if (run.Dataset is not { } d)
        {
            return string.Create(CultureInfo.InvariantCulture, $"random, {w.InputLen} → {w.OutputLen} tokens, {w.NumPrompts} prompts");
        }

        var file = d.File is { } name ? $" {name} (sha256 {d.Sha256?[..Math.Min(12, d.Sha256.Length)]})" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{d.Name}{file}, {d.Requests} requests{(d.Conversations is { } c ? $" in {c} conversations" : "")}; input tokens {Lengths(d.InputLens)}; output tokens {Lengths(d.OutputLens)}");
    }

    /// <summary>"; prefix-cache hit rate 12.5% (7.1–20.0% across 3 runs)" over the runs that recorded it; empty when none did.</summary>
    public static string PrefixCache(IReadOnlyList<BenchmarkRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var rates = runs.Where(r => r.PrefixCache is { Queries: > 0 }).Select(r => r.PrefixCache!).ToList();
        if (rates.Count == 0)
        {
            return "";
        }

        var overall = (double)rates.Sum(r => r.Hits) / rates.Sum(r => r.Queries);
        return rates.Count == 1
            ? $"; prefix-cache hit rate {Percent(overall)}"
            : $"; prefix-cache hit rate {Percent(overall)} ({Percent(rates.Min(r => r.HitRate))}–{Percent(rates.Max(r => r.HitRate))} across {rates.Count} runs)";
    }

    private static string Percent(double fraction) => string.Create(CultureInfo.InvariantCulture, $"{fraction * 100:0.0}%");

    private static string Lengths(LengthStats s) => string.Create(CultureInfo.InvariantCulture,
        $"median {s.Median:0}, p90 {P(s, "90"):0}, p99 {P(s, "99"):0}, max {s.Max}");

    private static double P(LengthStats s, string p) => s.Percentiles.TryGetValue(p, out var v) ? v : s.Max;
}
