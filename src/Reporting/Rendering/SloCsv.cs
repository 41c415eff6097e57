using System.Globalization;
using System.Text;
using GpuBench.Core.Config;
using GpuBench.Reporting.Slo;
using GpuBench.Reporting.Statistics;
using static GpuBench.Reporting.Rendering.CsvCells;

namespace GpuBench.Reporting.Rendering;

/// <summary>
/// slo.csv: one line per configuration (server × model layout) of each workload with an SLO. The figures are at
/// <c>max_load</c>, the highest load meeting the SLO, each with the bounds of its confidence interval
/// (<c>_lo</c>, <c>_hi</c>); <c>interval_basis</c> says what was resampled (<c>repeats</c> or <c>requests</c>). A
/// configuration that met the SLO at no load has every figure empty, as has a bound without an interval and a
/// price without a GPU price; <c>joules_per_output_token</c> is empty where no GPU power was sampled.
/// </summary>
public static class SloCsv
{
    public const string File = "slo.csv";

    public static readonly string[] Columns =
    [
        "workload", "server", "model", "layout", "gpu", "gpu_count", "load_kind", "max_load",
        "goodput_req_s_at_slo", "goodput_req_s_at_slo_lo", "goodput_req_s_at_slo_hi",
        "output_tok_s_at_slo", "output_tok_s_at_slo_lo", "output_tok_s_at_slo_hi",
        "usd_per_mtok_output_at_slo", "usd_per_mtok_output_at_slo_lo", "usd_per_mtok_output_at_slo_hi",
        "usd_per_mtok_total_at_slo", "usd_per_mtok_total_at_slo_lo", "usd_per_mtok_total_at_slo_hi",
        "joules_per_output_token", "interval_basis", "status",
    ];

    public static string Write(IReadOnlyList<SloWorkload> workloads)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        var csv = new StringBuilder();
        AppendRow(csv, Columns);
        foreach (var c in workloads.SelectMany(w => w.Configurations))
        {
            AppendRow(csv,
            [
                c.Workload, c.Server, c.Model, c.Layout.ToString(), c.GpuType, Int(c.GpuCount), LoadKindName(c.LoadKind),
                c.AtSlo is { } point ? LoadValue(point.Load) : "",
                .. Cells(c.GoodputReqS, 3), .. Cells(c.OutputTokensPerS, 2), .. Cells(c.UsdPerMtokOutput, 4), .. Cells(c.UsdPerMtokTotal, 4),
                Fixed(c.JoulesPerOutputToken, 4), BasisName(c.OutputTokensPerS?.Interval?.Basis), c.Simulated ? "simulated" : "ok",
            ]);
        }

        return csv.ToString();
    }

    /// <summary>config.yml's name of the load a sweep varies.</summary>
    public static string LoadKindName(LoadKind kind) => kind == LoadKind.RequestRate ? "request_rate" : "max_concurrency";

    /// <summary>The load as config.yml writes it: 32, 2.5.</summary>
    public static string LoadValue(LoadPoint load)
    {
        ArgumentNullException.ThrowIfNull(load);
        return load.Value.ToString("R", CultureInfo.InvariantCulture);
    }

    public static string BasisName(IntervalBasis? basis) => basis switch
    {
        IntervalBasis.Repeats => "repeats",
        IntervalBasis.Requests => "requests",
        _ => "",
    };

    private static string[] Cells(Estimate? estimate, int decimals) =>
        [Fixed(estimate?.Value, decimals), Fixed(estimate?.Interval?.Low, decimals), Fixed(estimate?.Interval?.High, decimals)];
}
