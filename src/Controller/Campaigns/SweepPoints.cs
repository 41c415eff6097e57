using GpuBench.Core.Config;
using GpuBench.Core.Metrics;
using GpuBench.Core.Planning;
using GpuBench.Core.Results;

namespace GpuBench.Controller.Campaigns;

/// <summary>What one repeat of a load point produced: its figures (null when it produced none) and its failure.</summary>
public sealed record PointRun(ServingMetrics? Metrics, string? Failure);

/// <summary>The load points of a run, the workload each runs, and how a point's repeats add up for sweep.json.</summary>
public static class SweepPoints
{
    /// <summary>The points a run goes through in order: a grid's, or the one load of a workload without a sweep (null); empty for a search, whose points come one at a time.</summary>
    public static IReadOnlyList<LoadPoint?> Grid(WorkloadSpec workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return workload.Sweep switch
        {
            null => [null],
            { Search: true } => [],
            var grid => [.. grid.Grid.Select(load => (LoadPoint?)new LoadPoint(grid.Kind, load))],
        };
    }

    /// <summary>
    /// The workload a point runs: the swept parameter set to the point's load, the sweep itself left out (the point's
    /// config slice runs that point), and at least one warm-up request, so every point on the shared deployment starts
    /// on an engine warmed at its own load.
    /// </summary>
    public static WorkloadSpec Workload(WorkloadSpec workload, LoadPoint? point)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return point is null
            ? workload
            : point.ApplyTo(workload) with { Sweep = null, NumWarmups = Math.Max(1, workload.NumWarmups) };
    }

    /// <summary>Whether every repeat of every point of <paramref name="run"/> is complete (a search: stopped, as its sweep.json says).</summary>
    public static bool IsComplete(string campaignDirectory, PlannedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var points = run.Workload.Sweep is { Search: true }
            ? StoppedSearchPoints(campaignDirectory, run)
            : Grid(run.Workload);
        return points is not null && points.All(p => Repeats(run).All(k => RunFolder.For(campaignDirectory, run, p, k).IsComplete));
    }

    /// <summary>1 … repeats.</summary>
    public static IEnumerable<int> Repeats(PlannedRun run) => Enumerable.Range(1, Math.Max(1, run.Workload.Repeats));

    /// <summary>sweep.json's path for <paramref name="run"/>.</summary>
    public static string RecordPath(string campaignDirectory, PlannedRun run) =>
        Path.Combine(RunFolder.WorkloadDirectory(campaignDirectory, run), SweepRecord.File);

    /// <summary>A point of sweep.json from its repeats: attainment pooled over every request, goodput and throughput averaged.</summary>
    public static SweepPointRecord Summarise(LoadPoint point, string? why, IReadOnlyList<PointRun> runs, SloSpec? slo)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(runs);
        var measured = runs.Where(r => r.Metrics is not null).Select(r => r.Metrics!).ToArray();
        var failed = measured.Sum(m => m.Failed);
        var requests = measured.Sum(m => m.Completed + m.Failed);
        var attainment = slo is not null && measured.Length > 0 && measured.All(m => m.SloAttainment is not null)
            ? (requests > 0 ? measured.Sum(m => m.SloAttainment!.Value * (m.Completed + m.Failed)) / requests : 0)
            : (double?)null;
        var failure = runs.Select(r => r.Failure).FirstOrDefault(f => f is not null);
        return new SweepPointRecord
        {
            Point = point.Name,
            Load = point.Value,
            Why = why,
            Repeats = measured.Length,
            FailedRequests = failed,
            Attainment = attainment,
            MeetsSlo = slo is null ? null : failure is null && attainment is { } a && slo.IsMetBy(a, failed),
            GoodputReqS = measured.Length > 0 && measured.All(m => m.RequestGoodput is not null) ? measured.Average(m => m.RequestGoodput!.Value) : null,
            OutputTokS = measured.Length > 0 ? measured.Average(m => m.OutputThroughput) : null,
            Failure = failure,
        };
    }

    private static IReadOnlyList<LoadPoint?>? StoppedSearchPoints(string campaignDirectory, PlannedRun run)
    {
        try
        {
            var text = File.ReadAllText(RecordPath(campaignDirectory, run));
            var record = System.Text.Json.JsonSerializer.Deserialize<SweepRecord>(text, RunRecordJson.Options);
            // A search that stopped on a failure (its last point failed, or it never reached the box) runs again.
            return record is { StopReason: not null, Points.Count: > 0 } && record.Points.All(p => p.Failure is null)
                ? [.. record.Points.Select(p => (LoadPoint?)new LoadPoint(record.LoadKind, p.Load))]
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            // No sweep.json yet, or one that cannot be read: the search runs (again), replaying its complete points.
            return null;
        }
    }
}
