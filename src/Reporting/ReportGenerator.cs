using System.Text;
using GpuBench.Core.Planning;
using GpuBench.Reporting.Analysis;
using GpuBench.Reporting.Charts;
using GpuBench.Reporting.Pricing;
using GpuBench.Reporting.Rendering;
using GpuBench.Reporting.Results;
using GpuBench.Reporting.Runs;
using GpuBench.Reporting.Slo;
using GpuBench.Reporting.Statistics;

namespace GpuBench.Reporting;

/// <summary>
/// What to report on and where to put it. <see cref="Prices"/> (config.yml's) price the GPU types no run recorded a
/// price for; <see cref="PriceOverrides"/> (--price) win over every price. <see cref="Plan"/> is the campaign's plan
/// when config.yml is known: it describes only run folders that have no record.
/// </summary>
public sealed record ReportRequest(string ResultsDirectory, string OutputDirectory, PriceTable Prices)
{
    public PriceTable PriceOverrides { get; init; } = PriceTable.Empty;

    public RunPlan? Plan { get; init; }

    /// <summary>The confidence level of the intervals of the SLO figures, in (0, 1).</summary>
    public double ConfidenceLevel { get; init; } = Bootstrap.DefaultLevel;
}

/// <summary>The files a report wrote, and what it said.</summary>
public sealed record ReportOutput(
    string MarkdownPath,
    string HtmlPath,
    string CsvPath,
    IReadOnlyList<string> ChartPaths,
    ComparisonReport Report,
    IReadOnlyList<string> Notes,
    IReadOnlyList<SkippedFile> Skipped)
{
    /// <summary>slo.csv; null when no workload had an SLO.</summary>
    public string? SloCsvPath { get; init; }

    /// <summary>The workloads with an SLO, and what the report said of them.</summary>
    public SloReport Slo { get; init; } = SloReport.None;
}

/// <summary>Reads a results folder and writes report.md (with charts/), report.html and summary.csv.</summary>
public static class ReportGenerator
{
    public const string MarkdownFile = "report.md";
    public const string HtmlFile = "report.html";
    public const string CsvFile = "summary.csv";

    public static async Task<ReportOutput> GenerateAsync(ReportRequest request, CancellationToken cancellationToken)
    {
        var (runs, skipped) = await ResultsLoader.LoadAsync(request.ResultsDirectory, request.Plan, cancellationToken).ConfigureAwait(false);
        if (runs.Count == 0)
        {
            throw new InvalidOperationException(
                $"No results under '{request.ResultsDirectory}': expected results/<campaign>/<server>/<model>/<workload>/result.json "
                + "or the article's <server>_<org>_<model>_vllm_benchmark.txt files."
                + string.Concat(skipped.Select(s => $" Not read: {s.Path}: {s.Reason}")));
        }

        // The price a run was benchmarked at is part of what it recorded; config.yml fills in the rest.
        var recorded = runs.Where(r => r.RecordedUsdPerGpuHour is not null)
            .Select(r => KeyValuePair.Create(r.GpuType, r.RecordedUsdPerGpuHour!.Value));
        var prices = request.Prices.With(recorded).With(request.PriceOverrides.Prices);
        var report = ReportAnalyzer.Analyze(runs, prices);
        var charts = new Dictionary<string, ModelCharts>(StringComparer.Ordinal);
        foreach (var model in report.AtOneLoad().Models)
        {
            charts[model.Model] = await ChartsForAsync(model, cancellationToken).ConfigureAwait(false);
        }

        var sloWorkloads = await SloAnalyzer.AnalyzeAsync(runs, prices, new Bootstrap(request.ConfidenceLevel), cancellationToken).ConfigureAwait(false);
        var slo = new SloReport(
            sloWorkloads,
            sloWorkloads.ToDictionary(w => w.Workload, w => SloCharts.For(w, SloChartPrefix + Slug(w.Workload)), StringComparer.Ordinal),
            request.ConfidenceLevel);
        var document = ReportComposer.Compose(report, charts, slo, skipped, request.ResultsDirectory);
        var output = request.OutputDirectory;
        var chartDirectory = Path.Combine(output, MarkdownWriter.ChartFolder);
        // Charts of an earlier report in the same folder would otherwise linger beside the new ones; only those it
        // listed in its manifest go: anything else in the folder is someone else's.
        var manifest = Path.Combine(chartDirectory, ChartManifest);
        if (File.Exists(manifest))
        {
            foreach (var name in await File.ReadAllLinesAsync(manifest, cancellationToken).ConfigureAwait(false))
            {
                if (name.Length > 0 && name == Path.GetFileName(name))
                {
                    File.Delete(Path.Combine(chartDirectory, name));
                }
            }
        }

        Directory.CreateDirectory(chartDirectory);

        var chartPaths = new List<string>();
        foreach (var chart in charts.Values.SelectMany(c => c.Charts).Concat(slo.Charts.Values.SelectMany(c => c)))
        {
            var path = Path.Combine(chartDirectory, chart.FileName);
            await File.WriteAllBytesAsync(path, chart.Png, cancellationToken).ConfigureAwait(false);
            chartPaths.Add(path);
        }

        await File.WriteAllLinesAsync(manifest, chartPaths.Select(Path.GetFileName).OfType<string>(), cancellationToken).ConfigureAwait(false);

        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var markdownPath = Path.Combine(output, MarkdownFile);
        var htmlPath = Path.Combine(output, HtmlFile);
        var csvPath = Path.Combine(output, CsvFile);
        await File.WriteAllTextAsync(markdownPath, MarkdownWriter.Write(document), utf8, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(htmlPath, HtmlWriter.Write(document), utf8, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(csvPath, SummaryCsv.Write(report, request.ResultsDirectory), utf8, cancellationToken).ConfigureAwait(false);

        // slo.csv is this report's file by its name: one left by an earlier report of runs with an SLO would describe runs no longer there.
        var sloCsvPath = Path.Combine(output, SloCsv.File);
        if (sloWorkloads.Count > 0)
        {
            await File.WriteAllTextAsync(sloCsvPath, SloCsv.Write(sloWorkloads), utf8, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            File.Delete(sloCsvPath);
        }

        var notes = charts.Values.Select(c => c.Note).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return new ReportOutput(markdownPath, htmlPath, csvPath, chartPaths, report, notes, skipped)
        {
            SloCsvPath = sloWorkloads.Count > 0 ? sloCsvPath : null,
            Slo = slo,
        };
    }

    /// <summary>The start of the ids (and file names) of a workload's SLO charts: slo-chat-ttft.png.</summary>
    public const string SloChartPrefix = "slo-";

    /// <summary>The charts a report wrote into charts/, one file name a line: the next report deletes only these.</summary>
    public const string ChartManifest = ".gpubench-charts";

    private static async Task<ModelCharts> ChartsForAsync(ModelReport model, CancellationToken cancellationToken)
    {
        var timelines = new List<TokenTimeline>();
        foreach (var row in model.Rows.Where(r => r.Run.RequestsPath is not null))
        {
            var perSecond = await RequestTimeline.ReadAsync(row.Run.RequestsPath!, cancellationToken).ConfigureAwait(false);
            timelines.Add(new TokenTimeline(ReportCharts.LegendLabel(row), perSecond));
        }

        var without = model.Rows.Where(r => r.Run.RequestsPath is null).Select(r => r.Label).ToList();
        var note = without.Count == 0
            ? null
            : timelines.Count == 0
                ? "not drawn: no run of this model kept per-request records (requests.jsonl); the article's result files have none."
                : $"drawn for the runs that kept requests.jsonl; not for {string.Join(", ", without)}.";
        return new ModelCharts(ReportCharts.For(model, Slug(model.Model), timelines), note);
    }

    /// <summary>A file-name-safe id for a model: "QuantTrio/Qwen3-Coder-30B" → "quanttrio-qwen3-coder-30b".</summary>
    public static string Slug(string model)
    {
        var slug = new StringBuilder(model.Length);
        foreach (var c in model.ToLowerInvariant())
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) || c == '.' ? c : '-');
        }

        return slug.ToString().Trim('-');
    }
}
