using GpuBench.Reporting.Pricing;
using GpuBench.Reporting.Runs;

namespace GpuBench.Reporting.Analysis;

/// <summary>Groups runs by model, prices them and works out scaling against the single-GPU configurations.</summary>
public static class ReportAnalyzer
{
    public static ComparisonReport Analyze(IEnumerable<BenchmarkRun> runs, PriceTable prices)
    {
        var models = runs
            .GroupBy(r => r.Model, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
            .Select(g => new ModelReport(g.Key, Rows(g.ToList(), prices)))
            .ToList();
        return new ComparisonReport(models, prices);
    }

    private static List<ConfigurationRow> Rows(List<BenchmarkRun> runs, PriceTable prices)
    {
        var ordered = runs
            .OrderBy(r => r.GpuType, StringComparer.OrdinalIgnoreCase)
            .ThenBy(r => r.GpuCount)
            .ThenByDescending(r => r.Layout.Replicas)
            .ThenBy(r => r.Layout.TensorParallel)
            .ThenByDescending(r => r.Workload.MaxConcurrency)
            .ThenBy(r => r.Workload.Name, StringComparer.Ordinal)
            .ThenBy(r => r.SweepPoint?.Value)
            .ThenBy(r => r.Repeat)
            .ThenBy(r => r.SourcePath, StringComparer.Ordinal)
            .ToList();
        var labels = Labels(ordered);
        return ordered
            .Select((run, i) => new ConfigurationRow
            {
                Run = run,
                Label = labels[i],
                UsdPerGpuHour = prices.UsdPerGpuHour(run.GpuType),
                ScalingEfficiency = ScalingEfficiency(run, ordered),
            })
            .ToList();
    }

    /// <summary>
    /// Throughput per GPU over the single-GPU throughput of the same GPU type (1.0 = linear scaling). The baseline is
    /// a valid 1-GPU run, preferably at the same concurrency and from the same kind of engine (real or simulated).
    /// </summary>
    private static double? ScalingEfficiency(BenchmarkRun run, List<BenchmarkRun> sameModel)
    {
        var baseline = sameModel
            .Where(b => b.GpuCount == 1 && b.IsValid
                && string.Equals(b.GpuType, run.GpuType, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(b => b.Simulated == run.Simulated)
            .ThenByDescending(b => b.Workload.MaxConcurrency == run.Workload.MaxConcurrency)
            .FirstOrDefault();
        return baseline is null || baseline.Metrics.TotalTokensPerS <= 0
            ? null
            : run.Metrics.TotalTokensPerS / run.GpuCount / baseline.Metrics.TotalTokensPerS;
    }

    /// <summary>"4× rtx4090 · 4 × 1", with the load (c400, r2.5), then the workload, then the repeat, added only where that alone is ambiguous.</summary>
    private static List<string> Labels(List<BenchmarkRun> runs)
    {
        var labels = runs.Select(r => $"{r.GpuCount}× {r.GpuType} · {r.Layout}").ToList();
        labels = Disambiguate(labels, runs, r => $" · {r.SweepPoint ?? r.Workload.Load}");
        labels = Disambiguate(labels, runs, r => $" · {r.Workload.Name}");
        return Disambiguate(labels, runs, r => $" · repeat {r.Repeat}");
    }

    /// <summary>Adds <paramref name="suffix"/> to every label that more than one run has.</summary>
    public static List<string> Disambiguate(List<string> labels, List<BenchmarkRun> runs, Func<BenchmarkRun, string> suffix)
    {
        var counts = labels.CountBy(l => l).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return labels.Select((l, i) => counts[l] > 1 ? l + suffix(runs[i]) : l).ToList();
    }
}
