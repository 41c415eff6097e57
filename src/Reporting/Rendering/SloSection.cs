using System.Globalization;
using GpuBench.Core.Config;
using GpuBench.Reporting.Charts;
using GpuBench.Reporting.Slo;
using GpuBench.Reporting.Statistics;

namespace GpuBench.Reporting.Rendering;

/// <summary>
/// The "Cheapest at SLO" section: per workload with an SLO, the winner (or the tie) with its margin, every
/// configuration's figures at its highest load meeting the SLO with their intervals, every point run, and the charts.
/// </summary>
public static class SloSection
{
    public const string Title = "Cheapest at SLO";

    public static readonly string[] ConfigurationHeaders =
    [
        "Configuration", "Load kind", "Max load", "Goodput (req/s)", "Output tok/s", "$/Mtok (output-token basis)",
        "$/Mtok (total-token basis)", "J per output token", "Interval over", "Sweep stopped", "Status",
    ];

    public static readonly string[] PointHeaders =
    [
        "Configuration", "Point", "Repeats", "Attainment", "Meets SLO", "Output tok/s", "TTFT p99 (ms)", "TPOT p99 (ms)",
        "E2EL p99 (ms)", "$/Mtok (output-token basis)", "Why",
    ];

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IEnumerable<ReportBlock> Blocks(IReadOnlyList<SloWorkload> workloads, IReadOnlyDictionary<string, IReadOnlyList<Chart>> charts, double level)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        ArgumentNullException.ThrowIfNull(charts);
        if (workloads.Count == 0)
        {
            yield break;
        }

        yield return new Heading(2, Title);
        yield return new Paragraph(
            $"Per workload with an SLO, each configuration (server × model layout) at the highest load where the share of good requests "
            + "(every bound met, vLLM's goodput rule; failed requests count as not good) reached the attainment asked, with no failed request. "
            + $"Ranked by $ per million output tokens there. Figures carry {Percent(level)} confidence intervals: a percentile bootstrap over "
            + "the repeats of that point, or over the requests of its one run when it ran once (the spread within one run only). "
            + "A configuration wins only when its interval and the runner-up's do not overlap; otherwise it is a tie.");
        foreach (var workload in workloads)
        {
            yield return new Heading(3, $"{workload.Workload}: {Describe(workload.Slo)}");
            yield return new Paragraph(VerdictText(workload, level), VerdictLead(workload));
            yield return new Table(ConfigurationHeaders, [.. workload.Configurations.Select(ConfigurationCells)], new HashSet<int> { 2, 3, 4, 5, 6, 7 });
            yield return new Table(PointHeaders, [.. workload.Configurations.SelectMany(c => c.Points.Select(p => PointCells(c, p)))], new HashSet<int> { 2, 3, 5, 6, 7, 8, 9 });
            foreach (var chart in charts.TryGetValue(workload.Workload, out var mine) ? mine : [])
            {
                yield return new Figure(chart);
            }

            if (workload.Notes.Count > 0)
            {
                yield return new BulletList([.. workload.Notes.Select(n => "⚠ " + n)]);
            }
        }
    }

    /// <summary>"TTFT ≤ 500 ms, TPOT ≤ 50 ms for 95 % of requests".</summary>
    public static string Describe(SloSpec slo)
    {
        ArgumentNullException.ThrowIfNull(slo);
        var bounds = new List<string>(3);
        if (slo.TtftMs is { } ttft)
        {
            bounds.Add($"TTFT ≤ {Ms(ttft)} ms");
        }

        if (slo.TpotMs is { } tpot)
        {
            bounds.Add($"TPOT ≤ {Ms(tpot)} ms");
        }

        if (slo.E2elMs is { } e2el)
        {
            bounds.Add($"E2EL ≤ {Ms(e2el)} ms");
        }

        return $"{string.Join(", ", bounds)} for {Percent(slo.Attainment)} of requests";
    }

    public static string VerdictLead(SloWorkload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return workload.Cheapest.Verdict switch
        {
            Verdict.Winner => "Winner:",
            Verdict.Tie => "Tie:",
            _ => "No winner:",
        };
    }

    /// <summary>The sentence that names the winner or the tie, with the margin between the cheapest two.</summary>
    public static string VerdictText(SloWorkload workload, double level)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var cheapest = workload.Cheapest;
        if (cheapest.Leaders.Count == 0)
        {
            return workload.Configurations.Any(c => c.AtSlo is not null)
                ? $"no configuration that met the SLO has a price ({Numbers.NoPrice}: set one under prices: in config.yml or with --price TYPE=USD)."
                : "no configuration met the SLO at any load it ran.";
        }

        var first = cheapest.Ranked[0];
        if (cheapest.Comparison is not { } comparison)
        {
            return $"{Named(first)} at {first.AtSlo!.Load}, the only configuration that met the SLO with a price: {Cost(first)} per million output tokens.";
        }

        var second = cheapest.Ranked[1];
        var margin = $"{Named(second)} at {second.AtSlo!.Load} costs {Percent(comparison.Margin)} more ({Cost(second)})";
        return cheapest.Verdict == Verdict.Winner
            ? $"{Named(first)} at {first.AtSlo!.Load}: {Cost(first)} per million output tokens. {margin}; the {Percent(level)} intervals do not overlap."
            : $"{Enumerate([.. cheapest.Leaders.Select(c => $"{Named(c)} at {c.AtSlo!.Load} ({Cost(c)})")])} per million output tokens. "
              + $"{margin}, but the {Percent(level)} intervals overlap{(first.UsdPerMtokOutput!.Interval is null || second.UsdPerMtokOutput!.Interval is null ? " or are unknown" : "")}: "
              + "the runs cannot tell them apart.";
    }

    /// <summary>"A and B", "A, B and C".</summary>
    private static string Enumerate(IReadOnlyList<string> items) =>
        items.Count < 2 ? string.Concat(items) : $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}";

    private static IReadOnlyList<string> ConfigurationCells(SloConfiguration c) =>
    [
        Named(c),
        SloCsv.LoadKindName(c.LoadKind),
        c.AtSlo is { } point ? SloCsv.LoadValue(point.Load) : "none met",
        WithInterval(c.GoodputReqS, v => v.ToString("0.00", Invariant)),
        WithInterval(c.OutputTokensPerS, Numbers.TokensPerS),
        c.AtSlo is null ? Numbers.NotMeasured : c.UsdPerMtokOutput is null ? Numbers.NoPrice : WithInterval(c.UsdPerMtokOutput, v => Numbers.UsdPerMtok(v)),
        c.AtSlo is null ? Numbers.NotMeasured : c.UsdPerMtokTotal is null ? Numbers.NoPrice : WithInterval(c.UsdPerMtokTotal, v => Numbers.UsdPerMtok(v)),
        c.JoulesPerOutputToken is { } joules ? joules.ToString("0.###", Invariant) : Numbers.NotMeasured,
        c.OutputTokensPerS?.Interval is { } interval ? $"{interval.Samples} {SloCsv.BasisName(interval.Basis)}" : Numbers.NotMeasured,
        c.StopReason ?? Numbers.NotMeasured,
        c.Simulated ? "⚠ simulated" : "ok",
    ];

    private static IReadOnlyList<string> PointCells(SloConfiguration c, SloPoint p) =>
    [
        Named(c),
        p.Load.Name,
        p.Runs.Count.ToString(Invariant),
        p.Attainment is { } attainment ? attainment.ToString("P1", Invariant).Replace(" ", "", StringComparison.Ordinal) : Numbers.NotMeasured,
        p.MeetsSlo(c.Slo) ? "yes" : p.FailedRequests > 0 ? $"no ({p.FailedRequests} failed)" : "no",
        Numbers.TokensPerS(p.OutputTokensPerS),
        Numbers.Milliseconds(p.TtftP99Ms),
        Numbers.Milliseconds(p.TpotP99Ms),
        Numbers.Milliseconds(p.E2elP99Ms),
        Numbers.UsdPerMtok(Pricing.TokenCost.UsdPerMillionTokens(c.UsdPerHour, p.OutputTokensPerS)),
        p.Why ?? "",
    ];

    private static string Cost(SloConfiguration c) => WithInterval(c.UsdPerMtokOutput, v => Numbers.UsdPerMtok(v));

    private static string WithInterval(Estimate? estimate, Func<double, string> format) => estimate switch
    {
        null => Numbers.NotMeasured,
        { Interval: { } i } => $"{format(estimate.Value)} [{format(i.Low)}–{format(i.High)}]",
        _ => format(estimate.Value),
    };

    private static string Named(SloConfiguration c) => c.Simulated ? $"{c.Label} (⚠ simulated)" : c.Label;

    private static string Ms(double ms) => ms.ToString("0.###", Invariant);

    private static string Percent(double fraction) => (fraction * 100).ToString("0.#", Invariant) + " %";
}
