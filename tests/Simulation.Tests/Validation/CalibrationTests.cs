using GpuBench.Simulation.Validation;
using GpuBench.TestSupport;

namespace GpuBench.Simulation.Tests.Validation;

/// <summary>
/// Runs the predictor for every published row of the seed article and compares output throughput against the
/// calibration targets (see src/Simulation/README.md), so a change that makes the model worse fails here.
/// </summary>
public class CalibrationTests(ITestOutputHelper output)
{
    [Fact]
    public void Predictions_match_the_published_seed_results_within_the_calibrated_error()
    {
        var rows = PublishedResult.Load(Fixtures.PathOf("seed-results.csv"), Fixtures.PathOf("seed-results"));

        var report = CalibrationReport.Run(rows, cancellationToken: TestContext.Current.CancellationToken);
        output.WriteLine(report.ToTable());

        Assert.Equal(19, report.Rows.Count);
        Assert.All(report.Rows, row => Assert.Null(row.Error));
        Assert.True(report.Mape <= CalibrationTargets.Mape, $"MAPE {report.Mape:F1}% exceeds {CalibrationTargets.Mape}%");
        Assert.True(report.WorstErrorPercent <= CalibrationTargets.WorstRow, $"worst row {report.WorstErrorPercent:F1}% exceeds {CalibrationTargets.WorstRow}%");
        var outside = report.Rows.Count(r => r.Counted && Math.Abs(r.ErrorPercent) > 35);
        Assert.True(outside <= CalibrationTargets.RowsBeyond35Percent, $"{outside} rows are off by more than 35%");
    }

    [Fact]
    public void Each_row_uses_the_engine_flags_of_its_own_run()
    {
        var rows = PublishedResult.Load(Fixtures.PathOf("seed-results.csv"), Fixtures.PathOf("seed-results"));

        var pro6000Llama = rows.Single(r => r.Gpu == "pro6000" && r.Model.Contains("Llama", StringComparison.Ordinal));
        var tp4 = rows.Single(r => r.TensorParallel == 4);
        var glm4090 = rows.Single(r => r.Gpu == "rtx4090" && r.Model.Contains("GLM", StringComparison.Ordinal));

        Assert.Equal((2048, "auto"), (pro6000Llama.Engine.MaxModelLen, pro6000Llama.Engine.KvCacheDtype));
        Assert.Equal((192, "fp8"), (tp4.Engine.MaxNumSeqs, tp4.Engine.KvCacheDtype));
        Assert.Equal("auto", glm4090.Engine.KvCacheDtype);
        Assert.True(rows.Single(r => r.Notes.Contains("invalid", StringComparison.Ordinal)).IsInvalidRun);
    }
}

/// <summary>
/// The targets of the calibration (src/Simulation/README.md): MAPE ≤ 15 % over the valid rows, none beyond 35 %.
/// </summary>
internal static class CalibrationTargets
{
    public const double Mape = 15;
    public const double WorstRow = 35;
    public const int RowsBeyond35Percent = 0;
}
