using GpuBench.Reporting.Analysis;
using GpuBench.Reporting.Rendering;
using ScottPlot;

namespace GpuBench.Reporting.Charts;

/// <summary>
/// Draws a model's charts with ScottPlot: throughput, $ per million tokens and latency percentiles by configuration,
/// and tokens/s over the run for runs that kept per-request records. Invalid and simulated runs are drawn hatched
/// and named as such on their axis label, so a chart never passes them off as clean results.
/// </summary>
public static class ReportCharts
{
    private const int Width = 960;
    internal const string FontName = "DejaVu Sans";

    private static readonly Color Total = Color.FromHex("#1f77b4");
    private static readonly Color Output = Color.FromHex("#ff7f0e");
    private static readonly Color Median = Color.FromHex("#2ca02c");
    private static readonly Color P99 = Color.FromHex("#d62728");

    public static IReadOnlyList<Chart> For(ModelReport model, string modelId, IReadOnlyList<TokenTimeline> timelines)
    {
        var rows = model.Rows;
        var charts = new List<Chart>
        {
            Bars(
                $"{modelId}-throughput",
                $"Throughput by configuration\n{model.Model}",
                "tokens/s",
                rows,
                [("total tok/s", Total, r => r.Run.Metrics.TotalTokensPerS), ("output tok/s", Output, r => r.Run.Metrics.OutputTokensPerS)],
                "N0",
                "not measured"),
            Bars(
                $"{modelId}-cost",
                $"$ per million tokens by configuration\n{model.Model}",
                "$ per million tokens (lower is better)",
                rows,
                [("$/Mtok, total-token basis", Total, r => r.UsdPerMtokTotal), ("$/Mtok, output-token basis", Output, r => r.UsdPerMtokOutput)],
                "0.000",
                Numbers.NoPrice),
            Bars(
                $"{modelId}-ttft",
                $"Time to first token\n{model.Model}",
                "TTFT (s)",
                rows,
                [("median", Median, r => r.Run.Metrics.Ttft.MedianMs / 1000), ("p99", P99, r => r.Run.Metrics.Ttft.P99Ms / 1000)],
                "N1",
                "not measured"),
            Bars(
                $"{modelId}-tpot",
                $"Time per output token\n{model.Model}",
                "TPOT (ms)",
                rows,
                [("median", Median, r => r.Run.Metrics.Tpot.MedianMs), ("p99", P99, r => r.Run.Metrics.Tpot.P99Ms)],
                "N1",
                "not measured"),
        };
        if (timelines.Count > 0)
        {
            charts.Add(Timeline($"{modelId}-timeline", $"Output tokens/s over the run\n{model.Model}", timelines));
        }

        return charts;
    }

    /// <summary>The name a chart gives a configuration: its label, and under it the run's status when the run is flagged.</summary>
    public static string AxisLabel(ConfigurationRow row) =>
        row.Run.IsFlagged ? $"{row.Label}\n{row.Run.Status.ToUpperInvariant()}" : row.Label;

    /// <summary><see cref="AxisLabel"/> on one line, for legends and alt text.</summary>
    public static string LegendLabel(ConfigurationRow row) => OneLine(AxisLabel(row));

    private static Chart Bars(
        string id,
        string title,
        string axisTitle,
        IReadOnlyList<ConfigurationRow> rows,
        (string Name, Color Color, Func<ConfigurationRow, double?> Value)[] series,
        string valueFormat,
        string whenMissing)
    {
        var plot = NewPlot(title);
        var barSize = 0.8 / series.Length;
        var bars = new List<Bar>();
        var missing = new List<(double Position, string Text)>();

        // Rows are listed top to bottom, as in the tables: the first row gets the highest position.
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var center = rows.Count - 1 - i;
            for (var s = 0; s < series.Length; s++)
            {
                var position = center + ((series.Length - 1) / 2.0 - s) * barSize;
                if (series[s].Value(row) is not { } value)
                {
                    missing.Add((position, whenMissing));
                    continue;
                }

                var bar = new Bar
                {
                    Position = position,
                    Value = value,
                    Size = barSize * 0.95,
                    FillColor = series[s].Color,
                    Label = value.ToString(valueFormat, System.Globalization.CultureInfo.InvariantCulture),
                };
                if (row.Run.IsFlagged)
                {
                    bar.FillHatch = new ScottPlot.Hatches.Striped();
                    bar.FillHatchColor = Colors.White;
                }

                bars.Add(bar);
            }
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        barPlot.ValueLabelStyle.FontSize = 11;
        barPlot.ValueLabelStyle.FontName = FontName;
        foreach (var (position, text) in missing)
        {
            var label = plot.Add.Text(text, 0, position);
            label.LabelFontSize = 11;
            label.LabelFontName = FontName;
            label.LabelAlignment = Alignment.MiddleLeft;
        }

        plot.Axes.Left.SetTicks(
            [.. Enumerable.Range(0, rows.Count).Select(i => (double)(rows.Count - 1 - i))],
            [.. rows.Select(AxisLabel)]);
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Margins(left: 0, right: 0.18, bottom: 0.05, top: 0.05);
        plot.XLabel(axisTitle);
        foreach (var (name, color, _) in series)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = name, FillColor = color });
        }

        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
        var height = 200 + 46 * rows.Count;
        var alt = $"{OneLine(title)}. " + string.Join("; ", rows.Select(r =>
            $"{LegendLabel(r)}: " + string.Join(", ", series.Select(s =>
                $"{s.Name} {(s.Value(r) is { } v ? v.ToString(valueFormat, System.Globalization.CultureInfo.InvariantCulture) : whenMissing)}"))));
        return Render(id, title, alt, plot, height);
    }

    private static Chart Timeline(string id, string title, IReadOnlyList<TokenTimeline> timelines)
    {
        var plot = NewPlot(title);
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < timelines.Count; i++)
        {
            var line = plot.Add.Signal(timelines[i].TokensPerSecond.ToArray());
            line.LegendText = timelines[i].Label;
            line.Color = palette.GetColor(i);
            line.LineWidth = 2;
        }

        plot.XLabel("seconds since the first request");
        plot.YLabel("output tokens/s");
        // From zero, so a dip reads as the share of throughput it is rather than filling the chart.
        var peak = timelines.SelectMany(t => t.TokensPerSecond).DefaultIfEmpty(0).Max();
        plot.Axes.SetLimitsY(0, Math.Max(1, peak) * 1.15);
        plot.ShowLegend(Alignment.UpperRight);
        var alt = $"{OneLine(title)}. " + string.Join("; ", timelines.Select(t =>
            $"{t.Label}: {t.TokensPerSecond.Count} s, peak {t.TokensPerSecond.DefaultIfEmpty(0).Max():N0} tok/s"));
        return Render(id, title, alt, plot, 420);
    }

    internal static Plot NewPlot(string title)
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title(title, size: 15);
        return plot;
    }

    internal static Chart Render(string id, string title, string alt, Plot plot, int height)
    {
        var png = plot.GetImageBytes(Width, height, ImageFormat.Png);
        return new Chart(id, OneLine(title), alt, png, Width, height);
    }

    internal static string OneLine(string text) => text.Replace("\n", " — ", StringComparison.Ordinal);
}
