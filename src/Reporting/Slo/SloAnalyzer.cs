using System.Text.Json;
using GpuBench.Core.Results;
using GpuBench.Reporting.Pricing;
using GpuBench.Reporting.Runs;
using GpuBench.Reporting.Statistics;

namespace GpuBench.Reporting.Slo;

/// <summary>
/// Turns the runs of workloads with an SLO into configurations (server × model layout), their load points, the
/// highest load meeting the SLO and the figures there with confidence intervals: bootstrapped over the repeats of
/// that point, or over the requests of its one run (requests.jsonl) when it has a single repeat.
/// </summary>
public static class SloAnalyzer
{
    public static async Task<IReadOnlyList<SloWorkload>> AnalyzeAsync(
        IEnumerable<BenchmarkRun> runs, PriceTable prices, Bootstrap bootstrap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prices);
        var workloads = new List<SloWorkload>();
        foreach (var workload in runs.Where(r => r.Slo is not null).GroupBy(r => r.Workload.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var notes = new List<string>();
            var configurations = new List<SloConfiguration>();
            var groups = workload.GroupBy(r => (r.Server, r.Model, Layout: r.Layout.ToString()))
                .OrderBy(g => g.First().GpuType, StringComparer.OrdinalIgnoreCase).ThenBy(g => g.First().GpuCount)
                .ThenBy(g => g.Key.Server, StringComparer.Ordinal).ThenBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => g.Key.Layout, StringComparer.Ordinal)
                .ToList();
            var labels = Labels([.. groups.Select(g => g.First())]);
            for (var i = 0; i < groups.Count; i++)
            {
                var sweep = await SweepAsync(groups[i].First(), notes, cancellationToken).ConfigureAwait(false);
                configurations.Add(await ConfigurationAsync([.. groups[i]], labels[i], sweep, prices, bootstrap, cancellationToken).ConfigureAwait(false));
            }

            workloads.Add(new SloWorkload(workload.Key, workload.First().Slo!, configurations, notes));
        }

        return workloads;
    }

    private static async Task<SloConfiguration> ConfigurationAsync(
        List<BenchmarkRun> runs, string label, SweepRecord? sweep, PriceTable prices, Bootstrap bootstrap, CancellationToken cancellationToken)
    {
        var first = runs[0];
        var slo = first.Slo!;
        var points = runs
            .GroupBy(r => r.SweepPoint ?? r.Workload.Load)
            .Select(g => new SloPoint
            {
                Load = g.Key,
                Runs = [.. g.OrderBy(r => r.Repeat).ThenBy(r => r.SourcePath, StringComparer.Ordinal)],
                Why = sweep?.Points.FirstOrDefault(p => p.Point == g.Key.Name)?.Why,
            })
            .OrderBy(p => p.Load.Kind).ThenBy(p => p.Load.Value)
            .ToList();
        var atSlo = points.LastOrDefault(p => p.MeetsSlo(slo));
        var configuration = new SloConfiguration
        {
            Workload = first.Workload.Name,
            Server = first.Server,
            Model = first.Model,
            Layout = first.Layout,
            GpuType = first.GpuType,
            GpuCount = first.GpuCount,
            Label = label,
            Slo = slo,
            Points = points,
            UsdPerGpuHour = prices.UsdPerGpuHour(first.GpuType),
            AtSlo = atSlo,
            StopReason = sweep?.StopReason,
        };
        return atSlo is null ? configuration : await WithFiguresAtAsync(configuration, atSlo, bootstrap, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The figures at the point: over its repeats when it has several, else over its run's requests, else without an interval.</summary>
    private static async Task<SloConfiguration> WithFiguresAtAsync(SloConfiguration configuration, SloPoint point, Bootstrap bootstrap, CancellationToken cancellationToken)
    {
        var joules = point.Runs.Where(r => r.GpuPowerW is not null && r.Metrics.OutputTokensPerS > 0)
            .Select(r => r.GpuPowerW!.Value / r.Metrics.OutputTokensPerS).ToList();
        configuration = configuration with { JoulesPerOutputToken = joules.Count > 0 ? joules.Average() : null };
        if (point.Runs.Count > 1)
        {
            return configuration with
            {
                GoodputReqS = bootstrap.MeanOfRepeats([.. point.Runs.Select(r => r.Metrics.GoodputReqS ?? 0)]),
                OutputTokensPerS = bootstrap.MeanOfRepeats([.. point.Runs.Select(r => r.Metrics.OutputTokensPerS)]),
                TotalTokensPerS = bootstrap.MeanOfRepeats([.. point.Runs.Select(r => r.Metrics.TotalTokensPerS)]),
            };
        }

        var run = point.Runs[0];
        if (run.RequestsPath is null || run.Metrics.DurationS <= 0)
        {
            return configuration with
            {
                GoodputReqS = new Estimate(run.Metrics.GoodputReqS ?? 0, null),
                OutputTokensPerS = new Estimate(run.Metrics.OutputTokensPerS, null),
                TotalTokensPerS = new Estimate(run.Metrics.TotalTokensPerS, null),
            };
        }

        var requests = await RequestRecords.ReadAsync(run.RequestsPath, cancellationToken).ConfigureAwait(false);
        var duration = run.Metrics.DurationS;
        var bounds = configuration.Slo.Bounds;
        return configuration with
        {
            GoodputReqS = bootstrap.OverRequests(requests, s => s.Count(r => r.Success && bounds.IsMetBy(r)) / duration),
            OutputTokensPerS = bootstrap.OverRequests(requests, s => s.Sum(r => r.Success ? (double)r.OutputTokens : 0) / duration),
            TotalTokensPerS = bootstrap.OverRequests(requests, s => s.Sum(r => r.Success ? (double)r.PromptTokens + r.OutputTokens : 0) / duration),
        };
    }

    /// <summary>
    /// The workload folder's sweep.json (above &lt;point&gt;/ or &lt;point&gt;/repeat-&lt;k&gt;/); null for a run outside a
    /// sweep or a sweep without one. One that cannot be read is a note, and the report goes on without it.
    /// </summary>
    private static async Task<SweepRecord?> SweepAsync(BenchmarkRun run, List<string> notes, CancellationToken cancellationToken)
    {
        if (run.SweepPoint is null)
        {
            return null;
        }

        var folder = Path.GetDirectoryName(run.SourcePath)!;
        if (Path.GetFileName(folder).StartsWith(RepeatFolderPrefix, StringComparison.Ordinal))
        {
            folder = Path.GetDirectoryName(folder)!;
        }

        var path = Path.Combine(Path.GetDirectoryName(folder)!, SweepRecord.File);
        try
        {
            return File.Exists(path) ? await SweepRecord.ReadAsync(path, cancellationToken).ConfigureAwait(false) : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            notes.Add($"{path} not read: {e.Message}");
            return null;
        }
    }

    /// <summary>A repeat's folder under its point: repeat-&lt;k&gt;.</summary>
    public const string RepeatFolderPrefix = "repeat-";

    /// <summary>"2× rtx4090 · 2 × 1", with the server, then the model, added only where that alone is ambiguous.</summary>
    private static List<string> Labels(List<BenchmarkRun> firsts)
    {
        var labels = firsts.Select(r => $"{r.GpuCount}× {r.GpuType} · {r.Layout}").ToList();
        labels = Analysis.ReportAnalyzer.Disambiguate(labels, firsts, r => $" · {r.Server}");
        return Analysis.ReportAnalyzer.Disambiguate(labels, firsts, r => $" · {r.Model}");
    }
}
