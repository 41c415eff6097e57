using GpuBench.Reporting.Analysis;
using GpuBench.Reporting.Charts;
using GpuBench.Reporting.Results;
using GpuBench.Reporting.Runs;
using GpuBench.Reporting.Slo;

namespace GpuBench.Reporting.Rendering;

/// <summary>Lays out what the report says: prices and method, then per model its table, winners and charts, then the hardware.</summary>
public static class ReportComposer
{
    public static readonly string[] ConfigurationHeaders =
    [
        "GPU", "GPUs", "Layout", "Concurrency", "Output tok/s", "Total tok/s", "$/hour",
        "$/Mtok (total-token basis)", "$/Mtok (output-token basis)",
        "TTFT median (ms)", "TTFT p99 (ms)", "TPOT median (ms)", "TPOT p99 (ms)", "Scaling efficiency", "Status",
    ];

    private static readonly HashSet<int> NumericConfigurationColumns = [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];

    /// <summary>The report; <paramref name="slo"/>'s workloads get the "Cheapest at SLO" section, the other runs today's tables.</summary>
    public static ReportDocument Compose(
        ComparisonReport report,
        IReadOnlyDictionary<string, ModelCharts> charts,
        SloReport slo,
        IReadOnlyList<SkippedFile> skipped,
        string source)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(slo);
        var blocks = new List<ReportBlock>
        {
            new Paragraph($"{report.Rows.Count()} runs of {report.Models.Count} models, read from {source}."),
            new Heading(2, "Prices and method"),
            new BulletList(PriceLines(report).ToList()),
            new Paragraph(
                "$/Mtok (total-token basis) = $ per GPU-hour × GPUs / (total tok/s × 3600) × 10⁶, the seed article's figure: input and "
                + "output tokens both count. $/Mtok (output-token basis) divides by output tok/s instead: what generated text costs. "
                + "Scaling efficiency is total tok/s per GPU over the 1-GPU configuration of the same GPU type. "
                + "Runs whose requests failed are marked ⚠ invalid and are never winners: they measured a lighter load than was asked. "
                + "Runs served by GpuBench's simulator are marked ⚠ simulated: modelled figures, not measurements."),
        };
        if (WorkloadLines(report) is { Count: > 0 } workloads)
        {
            blocks.Add(new Heading(2, "Workloads"));
            blocks.Add(new BulletList(workloads));
        }

        blocks.AddRange(SloSection.Blocks(slo.Workloads, slo.Charts, slo.Level));
        foreach (var model in report.AtOneLoad().Models)
        {
            blocks.AddRange(ModelSection(model, charts.TryGetValue(model.Model, out var c) ? c : ModelCharts.None));
        }

        blocks.Add(new Heading(2, "Hardware"));
        blocks.Add(HardwareTable(report));
        if (skipped.Count > 0)
        {
            blocks.Add(new Heading(2, "Files not read"));
            blocks.Add(new BulletList([.. skipped.Select(s => $"⚠ {s.Path}: {s.Reason}")]));
        }

        return new ReportDocument("GpuBench report", blocks);
    }

    public static IReadOnlyList<string> ConfigurationCells(ConfigurationRow row)
    {
        var run = row.Run;
        var m = run.Metrics;
        return
        [
            run.GpuType,
            run.GpuCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            run.Layout.ToString(),
            run.Workload.MaxConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Numbers.TokensPerS(m.OutputTokensPerS),
            Numbers.TokensPerS(m.TotalTokensPerS),
            Numbers.UsdPerHour(row.UsdPerHour),
            Numbers.UsdPerMtok(row.UsdPerMtokTotal),
            Numbers.UsdPerMtok(row.UsdPerMtokOutput),
            Numbers.Milliseconds(m.Ttft.MedianMs),
            Numbers.Milliseconds(m.Ttft.P99Ms),
            Numbers.Milliseconds(m.Tpot.MedianMs),
            Numbers.Milliseconds(m.Tpot.P99Ms),
            Numbers.Percent(row.ScalingEfficiency),
            StatusText(run),
        ];
    }

    /// <summary>One line per workload: its dataset, and the prompt and output lengths its requests had.</summary>
    private static List<string> WorkloadLines(ComparisonReport report) =>
    [
        .. report.Rows.Select(r => r.Run).GroupBy(r => r.Workload.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}: {WorkloadText.Describe(g.FirstOrDefault(r => r.Dataset is not null) ?? g.First())}{WorkloadText.PrefixCache(g.ToList())}"),
    ];

    public static string StatusText(BenchmarkRun run) => run.IsFlagged ? "⚠ " + run.Status : run.Status;

    private static IEnumerable<string> PriceLines(ComparisonReport report)
    {
        foreach (var (type, usd) in report.Prices.Prices.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"{type}: {Numbers.UsdPerHour(usd)} per GPU-hour";
        }

        var unpriced = report.Rows
            .Where(r => r.UsdPerGpuHour is null)
            .Select(r => r.Run.GpuType)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (unpriced.Count > 0)
        {
            yield return $"{string.Join(", ", unpriced)}: {Numbers.NoPrice} (set one under prices: in config.yml or with --price TYPE=USD)";
        }
    }

    private static IEnumerable<ReportBlock> ModelSection(ModelReport model, ModelCharts charts)
    {
        yield return new Heading(2, model.Model);
        yield return new Paragraph(
            model.ThroughputWinner is { } fastest
                ? $"{Named(fastest)}, {Numbers.TokensPerS(fastest.Run.Metrics.TotalTokensPerS)} total tok/s."
                : "no valid run.",
            "Winner on throughput:");
        yield return new Paragraph(
            model.CostWinner is { } cheapest
                ? $"{Named(cheapest)}, {Numbers.UsdPerMtok(cheapest.UsdPerMtokTotal)} per million tokens (total-token basis), "
                  + $"{Numbers.UsdPerMtok(cheapest.UsdPerMtokOutput)} (output-token basis)."
                : "no valid run with a price.",
            "Winner on cost:");
        yield return new Table(
            ConfigurationHeaders,
            [.. model.Rows.Select(ConfigurationCells)],
            NumericConfigurationColumns);
        if (TurnTable(model) is { } turns)
        {
            yield return new Paragraph(
                "each turn index over the conversations of a multi-turn workload; later turns carry the history, so their prompts grow "
                + "and the prefix cache serves what the earlier turns computed.",
                "Per turn:");
            yield return turns;
        }

        foreach (var chart in charts.Charts)
        {
            yield return new Figure(chart);
        }

        if (charts.Note is { } note)
        {
            yield return new Paragraph(note, "Tokens/s over the run:");
        }
    }

    /// <summary>A winner's label, with its mark when it has one (a simulated run can win; an invalid one cannot).</summary>
    private static string Named(ConfigurationRow row) => row.Run.IsFlagged ? $"{row.Label} ({StatusText(row.Run)})" : row.Label;

    /// <summary>One row per turn index of every multi-turn run of the model; null when it has none.</summary>
    private static Table? TurnTable(ModelReport model)
    {
        var rows = model.Rows
            .Where(r => r.Run.Turns is { Count: > 0 })
            .SelectMany(r => r.Run.Turns!.Select(t => (IReadOnlyList<string>)
            [
                r.Label,
                r.Run.Workload.Name,
                t.Turn.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"{t.Completed}/{t.Requests}",
                t.MeanInputTokens.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                Numbers.Milliseconds(t.Ttft.Median),
                Numbers.Milliseconds(t.Ttft.At(99)),
                Numbers.Milliseconds(t.Tpot.Median),
            ]))
            .ToList();
        return rows.Count == 0
            ? null
            : new Table(["Configuration", "Workload", "Turn", "Completed", "Mean input tokens", "TTFT median (ms)", "TTFT p99 (ms)", "TPOT median (ms)"],
                rows, new HashSet<int> { 2, 4, 5, 6, 7 });
    }

    private static Table HardwareTable(ComparisonReport report)
    {
        var rows = report.Rows
            .Select(r => r.Run)
            .Select(r => (IReadOnlyList<string>)[r.Server, r.Hardware.GpuName, r.Hardware.Driver, r.Hardware.Cuda, r.Hardware.Cpu, r.Simulated ? "simulator" : "vLLM"])
            .DistinctBy(cells => string.Join('\u001f', cells))
            .OrderBy(cells => cells[0], StringComparer.Ordinal)
            .ToList();
        return new Table(["Server", "GPU", "Driver", "CUDA", "CPU", "Engine"], rows, new HashSet<int>());
    }
}
