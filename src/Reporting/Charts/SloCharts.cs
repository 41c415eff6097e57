using System.Globalization;
using GpuBench.Reporting.Slo;
using ScottPlot;

namespace GpuBench.Reporting.Charts;

/// <summary>
/// A workload's SLO charts: latency–throughput curves per configuration (TTFT p99 and TPOT p99 against output
/// tok/s, the SLO bound drawn as a dashed line) and $ per million output tokens against p99 request latency with
/// the Pareto frontier marked. Latency and cost span decades between light and heavy loads, so those axes are
/// logarithmic. The bound and the frontier have colours of their own, used nowhere else in a chart.
/// </summary>
public static class SloCharts
{
    /// <summary>The colour of the SLO bound's line.</summary>
    public static readonly Color SloBound = Color.FromHex("#ff00ff");

    /// <summary>The colour of the rings marking the points of the Pareto frontier.</summary>
    public static readonly Color Frontier = Color.FromHex("#ffc800");

    private static readonly Color FrontierLine = Color.FromHex("#8c6400");

    private static readonly double[] Mantissas = [1, 2, 5];

    public static IReadOnlyList<Chart> For(SloWorkload workload, string id)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return
        [
            Curves($"{id}-ttft", $"TTFT p99 against output tokens/s\n{workload.Workload}", "TTFT p99 (ms)", workload, p => p.TtftP99Ms, workload.Slo.TtftMs, "TTFT"),
            Curves($"{id}-tpot", $"TPOT p99 against output tokens/s\n{workload.Workload}", "TPOT p99 (ms)", workload, p => p.TpotP99Ms, workload.Slo.TpotMs, "TPOT"),
            Cost($"{id}-cost", $"$ per million output tokens against p99 request latency\n{workload.Workload}", workload),
        ];
    }

    private static Chart Curves(string id, string title, string axis, SloWorkload workload, Func<SloPoint, double?> latencyMs, double? boundMs, string metric)
    {
        var plot = ReportCharts.NewPlot(title);
        var palette = new ScottPlot.Palettes.Category10();
        var ys = new List<double>();
        var xs = new List<double>();
        var alt = new List<string>();
        for (var i = 0; i < workload.Configurations.Count; i++)
        {
            var configuration = workload.Configurations[i];
            var points = configuration.Points.Where(p => latencyMs(p) is > 0).ToList();
            if (points.Count == 0)
            {
                continue;
            }

            var scatter = plot.Add.Scatter(
                points.Select(p => p.OutputTokensPerS).ToArray(),
                points.Select(p => Math.Log10(latencyMs(p)!.Value)).ToArray(),
                palette.GetColor(i));
            scatter.LegendText = Named(configuration);
            scatter.LineWidth = 2;
            scatter.MarkerSize = 8;
            xs.AddRange(points.Select(p => p.OutputTokensPerS));
            ys.AddRange(points.Select(p => Math.Log10(latencyMs(p)!.Value)));
            alt.Add($"{Named(configuration)}: " + string.Join(", ", points.Select(p =>
                $"{p.Load} {p.OutputTokensPerS.ToString("N0", CultureInfo.InvariantCulture)} tok/s {Ms(latencyMs(p)!.Value)} ms")));
        }

        if (boundMs is > 0 and var bound)
        {
            var line = plot.Add.HorizontalLine(Math.Log10(bound), 2, SloBound, LinePattern.Dashed);
            line.LegendText = $"SLO: {metric} ≤ {Ms(bound)} ms";
            ys.Add(Math.Log10(bound));
            alt.Add($"SLO bound {metric} ≤ {Ms(bound)} ms");
        }

        plot.Axes.SetLimitsX(0, Math.Max(1, xs.DefaultIfEmpty(0).Max()) * 1.1);
        LogTicks(plot, vertical: true, ys, Ms);
        plot.XLabel("output tokens/s");
        plot.YLabel(axis + ", log scale");
        plot.ShowLegend(Edge.Bottom);
        return ReportCharts.Render(id, title, $"{ReportCharts.OneLine(title)}. {string.Join("; ", alt)}", plot, 480 + 22 * workload.Configurations.Count);
    }

    private static Chart Cost(string id, string title, SloWorkload workload)
    {
        var plot = ReportCharts.NewPlot(title);
        var points = CostPoint.Of(workload.Configurations);
        var frontier = CostPoint.ParetoFrontier(points);
        if (frontier.Count > 0)
        {
            // Rings under the configurations' own markers: the frontier stays visible and each point keeps its colour.
            var xs = frontier.Select(p => Math.Log10(p.E2elP99S)).ToArray();
            var ys = frontier.Select(p => Math.Log10(p.UsdPerMtokOutput)).ToArray();
            var rings = plot.Add.ScatterPoints(xs, ys, Frontier);
            rings.MarkerSize = 22;
            rings.MarkerShape = MarkerShape.FilledCircle;
            rings.LegendText = "Pareto frontier (no point is both cheaper and faster)";
            var steps = plot.Add.Scatter(xs, ys, FrontierLine);
            steps.ConnectStyle = ConnectStyle.StepHorizontal;
            steps.LineWidth = 1.5f;
            steps.LinePattern = LinePattern.Dashed;
            steps.MarkerSize = 0;
        }

        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < workload.Configurations.Count; i++)
        {
            var mine = points.Where(p => p.Configuration == workload.Configurations[i]).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            var markers = plot.Add.ScatterPoints(
                mine.Select(p => Math.Log10(p.E2elP99S)).ToArray(),
                mine.Select(p => Math.Log10(p.UsdPerMtokOutput)).ToArray(),
                palette.GetColor(i));
            markers.MarkerSize = 10;
            markers.LegendText = Named(workload.Configurations[i]);
        }

        LogTicks(plot, vertical: false, [.. points.Select(p => Math.Log10(p.E2elP99S))], s => s.ToString("G3", CultureInfo.InvariantCulture));
        LogTicks(plot, vertical: true, [.. points.Select(p => Math.Log10(p.UsdPerMtokOutput))], usd => "$" + usd.ToString("G3", CultureInfo.InvariantCulture));
        plot.XLabel("p99 request latency (s), log scale");
        plot.YLabel("$ per million output tokens, log scale");
        plot.ShowLegend(Edge.Bottom);
        var alt = points.Count == 0
            ? "no point with a price and without failed requests"
            : "Pareto frontier: " + string.Join(", ", frontier.Select(p =>
                $"{Named(p.Configuration)} at {p.Point.Load} ({p.E2elP99S.ToString("G3", CultureInfo.InvariantCulture)} s, ${p.UsdPerMtokOutput.ToString("G3", CultureInfo.InvariantCulture)})"));
        return ReportCharts.Render(id, title, $"{ReportCharts.OneLine(title)}. {alt}", plot, 480 + 22 * workload.Configurations.Count);
    }

    /// <summary>1-2-5 ticks on an axis whose values are log10 of the figures, limits a little beyond the values.</summary>
    private static void LogTicks(Plot plot, bool vertical, IReadOnlyList<double> logValues, Func<double, string> format)
    {
        var low = logValues.DefaultIfEmpty(0).Min() - 0.15;
        var high = logValues.DefaultIfEmpty(1).Max() + 0.15;
        var ticks = new List<(double Position, string Label)>();
        for (var decade = (int)Math.Floor(low); decade <= (int)Math.Ceiling(high); decade++)
        {
            foreach (var mantissa in Mantissas)
            {
                var position = Math.Log10(mantissa) + decade;
                if (position >= low && position <= high)
                {
                    ticks.Add((position, format(mantissa * Math.Pow(10, decade))));
                }
            }
        }

        IAxis axis = vertical ? plot.Axes.Left : plot.Axes.Bottom;
        axis.SetTicks([.. ticks.Select(t => t.Position)], [.. ticks.Select(t => t.Label)]);
        if (vertical)
        {
            plot.Axes.SetLimitsY(low, high);
        }
        else
        {
            plot.Axes.SetLimitsX(low, high);
        }
    }

    private static string Ms(double ms) => ms.ToString(ms >= 100 ? "N0" : "0.#", CultureInfo.InvariantCulture);

    private static string Named(SloConfiguration configuration) => configuration.Simulated ? $"{configuration.Label} (simulated)" : configuration.Label;
}
