using System.Globalization;
using GpuBench.Controller.Cli;
using GpuBench.Core.Config;

namespace GpuBench.Controller.Commands;

/// <summary>How `gpubench plan` words a run's points and the campaign's predicted time and cost.</summary>
public static class CampaignEstimate
{
    /// <summary>"c1, c8, c32", "search c1…c1024 from c38", or the one load of a workload without a sweep; "× 3 repeats" for repeats.</summary>
    public static string Points(RunEstimate estimate)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        var workload = estimate.Run.Workload;
        var points = workload.Sweep switch
        {
            null => workload.MaxConcurrency is { } c ? new LoadPoint(LoadKind.MaxConcurrency, c).Name : "one load",
            { Search: true } search => $"search {Name(search, search.Min)}…{Name(search, search.Max)} from {estimate.Prediction.SearchStart?.Name}",
            var grid => string.Join(", ", grid.Grid.Select(load => Name(grid, load))),
        };
        return workload.Repeats > 1 ? $"{points} × {workload.Repeats} repeats" : points;
    }

    /// <summary>
    /// The campaign's predicted duration (servers run side by side, the runs of one server one after another) and cost,
    /// and the runs the model cannot predict, with why.
    /// </summary>
    public static string Describe(IReadOnlyList<RunEstimate> estimates)
    {
        ArgumentNullException.ThrowIfNull(estimates);
        var known = estimates.Where(e => e.Seconds is not null).ToArray();
        var longest = known.GroupBy(e => e.Run.Server.Name).Select(g => g.Sum(e => e.Seconds!.Value)).DefaultIfEmpty(0).Max();
        var dollars = known.Sum(e => e.Dollars ?? 0);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"Predicted campaign: {Duration(longest)} (servers side by side; each deployment counted as {RunEstimate.VllmDeployment.TotalMinutes:0} min for vLLM, {RunEstimate.SimulatedDeployment.TotalSeconds:0} s simulated), {Dollars(dollars)} at the configured prices");
        var unpriced = known.Count(e => e.Dollars is null);
        if (unpriced > 0)
        {
            text += $"; {DiagnosticsOutput.Plural(unpriced, "run")} without a price not counted";
        }

        var unknown = estimates.Where(e => e.Seconds is null).ToArray();
        if (unknown.Length > 0)
        {
            text += $"; not predicted, so not counted: {string.Join("; ", unknown.Select(e => $"{e.Run.RelativePath} ({e.Prediction.Note})"))}";
        }

        return text + ".";
    }

    /// <summary>Per search: where it starts and why, and the points it would try were the box as the model predicts.</summary>
    public static IEnumerable<string> Searches(IEnumerable<RunEstimate> estimates)
    {
        ArgumentNullException.ThrowIfNull(estimates);
        return estimates.Where(e => e.Run.Workload.Sweep is { Search: true }).Select(e =>
            $"{e.Run.RelativePath}: {e.Prediction.StartWhy}" + (e.Prediction.Seconds is null
                ? "."
                : $"; as predicted it would run {string.Join(", ", e.Prediction.Points.Select(p => p.Point?.Name))} (at most {SweepSpec.MaxSearchPoints})."));
    }

    /// <summary>"$12.40"; below a dollar to four decimals ("$0.0048"), so a short run's cost is not shown as $0.00.</summary>
    public static string Dollars(decimal dollars) =>
        dollars.ToString(dollars < 1 ? "$0.0000" : "$#,0.00", CultureInfo.InvariantCulture);

    /// <summary>"45 s", "3 min 10 s", "2 h 05 min".</summary>
    public static string Duration(double seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Round(seconds));
        return span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes:00} min"
            : span.TotalMinutes >= 1 ? $"{span.Minutes} min {span.Seconds:00} s"
            : $"{span.Seconds} s";
    }

    private static string Name(SweepSpec sweep, double? load) => new LoadPoint(sweep.Kind, load ?? 0).Name;
}
