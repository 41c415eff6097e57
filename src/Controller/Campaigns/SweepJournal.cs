using GpuBench.Core.Planning;
using GpuBench.Core.Results;

namespace GpuBench.Controller.Campaigns;

/// <summary>
/// A sweep's sweep.json as it goes: rewritten whole (a flushed temporary file renamed over it) after every point and
/// when the sweep stops, so an interrupted campaign leaves the points it finished on the disk.
/// </summary>
public sealed class SweepJournal(string path, SweepRecord record)
{
    public SweepRecord Record { get; private set; } = record;

    /// <summary>An empty journal for <paramref name="run"/>'s sweep in <paramref name="campaignDirectory"/>.</summary>
    public static SweepJournal Start(string campaign, string campaignDirectory, PlannedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var sweep = run.Workload.Sweep ?? throw new ArgumentException($"Workload {run.Workload.Name} has no sweep.", nameof(run));
        return new SweepJournal(SweepPoints.RecordPath(campaignDirectory, run), new SweepRecord
        {
            Campaign = campaign,
            Server = run.Server.Name,
            Model = run.Model.Name,
            Workload = run.Workload.Name,
            Layout = run.Layout.ToString(),
            LoadKind = sweep.Kind,
            Search = sweep.Search,
            Slo = run.Workload.Slo,
            Points = [],
        });
    }

    /// <summary>Adds a point and writes the file.</summary>
    public Task AddAsync(SweepPointRecord point, CancellationToken cancellationToken)
    {
        Record = Record with { Points = [.. Record.Points, point], MaxLoad = MaxLoad([.. Record.Points, point]) };
        return WriteAsync(cancellationToken);
    }

    /// <summary>Records why the sweep stopped and writes the file.</summary>
    public Task StopAsync(string reason, CancellationToken cancellationToken)
    {
        Record = Record with { StopReason = reason };
        return WriteAsync(cancellationToken);
    }

    /// <summary>The highest load that met the SLO; null when none did or there is no SLO.</summary>
    private static double? MaxLoad(IEnumerable<SweepPointRecord> points) =>
        points.Where(p => p.MeetsSlo == true).Select(p => (double?)p.Load).Max();

    private Task WriteAsync(CancellationToken cancellationToken) =>
        RunFolderWriteException.GuardAsync(path, async () =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await DurableFile.WriteAtomicallyAsync(path, Record.Serialize(), cancellationToken).ConfigureAwait(false);
            return true;
        });
}
