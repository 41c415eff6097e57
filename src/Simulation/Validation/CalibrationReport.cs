using System.Globalization;
using System.Text;
using GpuBench.Core.Hardware;
using GpuBench.Simulation.Performance;
using GpuBench.Simulation.Prediction;
using GpuBench.Simulation.Profiles;

namespace GpuBench.Simulation.Validation;

/// <summary>Simulated against published output throughput, row by row, with the mean absolute percentage error.</summary>
public sealed record CalibrationReport(IReadOnlyList<CalibrationRow> Rows)
{
    /// <summary>Over valid rows only (a run the data marks invalid measured failures, not throughput).</summary>
    public double Mape => Rows.Where(r => r.Counted).Average(r => Math.Abs(r.ErrorPercent));

    public double WorstErrorPercent => Rows.Where(r => r.Counted).Max(r => Math.Abs(r.ErrorPercent));

    public static CalibrationReport Run(IEnumerable<PublishedResult> published, Calibration? calibration = null, CancellationToken cancellationToken = default)
    {
        var rows = published.AsParallel().AsOrdered().WithCancellation(cancellationToken).Select(row =>
        {
            var gpu = GpuCatalog.Default.Get(row.Gpu);
            var model = ModelCatalog.Default.Get(row.Model);
            var predictor = new Predictor(gpu, model, row.Engine, row.Replicas, calibration);
            if (predictor.ReplicaModel.FitError is { } error)
            {
                return new CalibrationRow(row, 0, null, error);
            }

            var prediction = predictor.Run(new PredictionWorkload
            {
                InputLen = row.InputLen,
                OutputLen = row.OutputLen,
                NumPrompts = row.Prompts,
                MaxConcurrency = row.Concurrency,
            }, cancellationToken);
            return new CalibrationRow(row, prediction.Metrics().OutputThroughput, prediction, null);
        }).ToArray();
        return new CalibrationReport(rows);
    }

    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| {"model",-50} | {"gpu",-8} | {"layout",-7} | {"conc",4} | {"kv",-4} | {"published",9} | {"simulated",9} | {"error",7} | {"sim TPOT",8} | {"preempt",7} | {"kv tok",7} |");
        text.AppendLine("|---|---|---|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var row in Rows)
        {
            var p = row.Published;
            var tpot = row.Prediction is null ? 0 : row.Prediction.Requests.Where(r => r.OutputTokens > 1).Select(r => (r.E2e - r.Ttft) / (r.OutputTokens - 1)).DefaultIfEmpty().Average() * 1000;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {p.Model,-50} | {p.Gpu + "x" + p.GpuCount,-8} | {p.Layout,-7} | {p.Concurrency,4} | {p.Engine.KvCacheDtype,-4} | {p.OutputTokS,9:F1} | {row.SimulatedOutputTokS,9:F1} | {row.ErrorPercent,6:+0.0;-0.0;0.0}% | {tpot,8:F1} | {row.Prediction?.Preemptions ?? 0,7} | {row.Prediction?.KvCapacityTokensPerReplica ?? 0,7} |{(row.Counted ? "" : " excluded: " + p.Notes)}{row.Error}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"MAPE {Mape:F1}% over {Rows.Count(r => r.Counted)} valid rows; worst row {WorstErrorPercent:F1}%.");
        return text.ToString();
    }
}

public sealed record CalibrationRow(PublishedResult Published, double SimulatedOutputTokS, PredictionResult? Prediction, string? Error)
{
    public double ErrorPercent => (SimulatedOutputTokS - Published.OutputTokS) / Published.OutputTokS * 100;

    public bool Counted => !Published.IsInvalidRun;
}
