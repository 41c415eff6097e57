using System.Text;
using GpuBench.Reporting.Analysis;
using static GpuBench.Reporting.Rendering.CsvCells;

namespace GpuBench.Reporting.Rendering;

/// <summary>
/// One line per configuration, for spreadsheets and scripts. Column names follow the seed results' CSV where they
/// overlap; a missing price leaves its cells empty (never 0), <c>sweep_point</c>, last so that scripts reading
/// earlier columns by position still work, names a sweep's load point (c32, r2.5; empty outside a sweep) and <c>status</c> carries the invalid/simulated marks.
/// </summary>
public static class SummaryCsv
{
    private static readonly string[] Columns =
    [
        "model", "gpu", "gpu_count", "replicas", "tp", "pp", "input_len", "output_len", "concurrency", "prompts",
        "completed", "failed", "output_tok_s", "total_tok_s", "usd_per_gpu_hour", "usd_per_hour", "usd_per_mtok_total",
        "usd_per_mtok_output", "ttft_median_ms", "ttft_p99_ms", "tpot_median_ms", "tpot_p99_ms", "scaling_efficiency",
        "status", "source", "sweep_point",
    ];

    public static string Write(ComparisonReport report, string sourceRoot)
    {
        var csv = new StringBuilder();
        CsvCells.AppendRow(csv, Columns);
        foreach (var row in report.Rows)
        {
            var run = row.Run;
            var m = run.Metrics;
            string[] cells =
            [
                run.Model, run.GpuType, Int(run.GpuCount), Int(run.Layout.Replicas), Int(run.Layout.TensorParallel),
                Int(run.Layout.PipelineParallel), Int(run.Workload.InputLen), Int(run.Workload.OutputLen),
                Int(run.Workload.MaxConcurrency), Int(run.RequestedPrompts), Int(m.Completed), Int(run.FailedRequests),
                Fixed(m.OutputTokensPerS, 2), Fixed(m.TotalTokensPerS, 2), Fixed(row.UsdPerGpuHour, 4), Fixed(row.UsdPerHour, 4),
                Fixed(row.UsdPerMtokTotal, 4), Fixed(row.UsdPerMtokOutput, 4), Fixed(m.Ttft.MedianMs, 2), Fixed(m.Ttft.P99Ms, 2),
                Fixed(m.Tpot.MedianMs, 2), Fixed(m.Tpot.P99Ms, 2), Fixed(row.ScalingEfficiency, 3), run.Status,
                Path.GetRelativePath(sourceRoot, run.SourcePath).Replace('\\', '/'), run.SweepPoint?.Name ?? "",
            ];
            CsvCells.AppendRow(csv, cells);
        }

        return csv.ToString();
    }
}
