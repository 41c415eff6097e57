using GpuBench.Core.Config;
using GpuBench.Core.Planning;

namespace GpuBench.Controller.Campaigns;

/// <summary>A point to run next, and why a search chose it (null for a grid's).</summary>
public sealed record NextPoint(LoadPoint? Point, string? Why);

/// <summary>
/// The points of one run in the order they run: a grid's (or the one load of a workload without a sweep) as listed,
/// a search's as <see cref="LoadSearch"/> chooses them from the trials so far; and why the sweep stopped.
/// </summary>
public sealed class PointSource(PlannedRun run, LoadSearch? search)
{
    private readonly Queue<LoadPoint?> _grid = new(SweepPoints.Grid(run.Workload));
    private readonly List<SearchTrial> _trials = [];
    private string? _searchEnd;
    private string? _broken;

    /// <summary>Why the sweep stopped: the grid ran out, the search's reason, or the deployment's failure.</summary>
    public string StopReason => _broken is { } broken ? $"the deployment failed: {broken}" : _searchEnd ?? "grid complete";

    /// <summary>The next point; null once there is none.</summary>
    public NextPoint? Next()
    {
        if (search is null)
        {
            return _grid.TryDequeue(out var point) ? new NextPoint(point, null) : null;
        }

        if (_broken is not null || _searchEnd is not null)
        {
            return null;
        }

        var step = search.Next(_trials);
        if (step.Load is not { } load)
        {
            _searchEnd = step.Why;
            return null;
        }

        return new NextPoint(new LoadPoint(search.Kind, load), step.Why);
    }

    /// <summary>What the point just run showed: the search chooses its next point from it.</summary>
    public void Tried(SearchTrial trial) => _trials.Add(trial);

    /// <summary>The deployment can run no further point: a search stops; a grid's remaining points are recorded as not run.</summary>
    public void Broke(string reason) => _broken ??= reason;
}
