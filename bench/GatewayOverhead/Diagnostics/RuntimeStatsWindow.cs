using System.Globalization;

namespace GpuBench.GatewayOverhead.Diagnostics;

/// <summary>What the gateway's runtime did inside one measurement window, from the lines RuntimeStatsRecorder wrote.</summary>
internal sealed record RuntimeStatsWindow(
    long Gen0,
    long Gen1,
    long Gen2,
    double GcPauseMs,
    double MaxGcPauseMsPerSecond,
    long MaxPoolThreads,
    long MaxPoolQueue,
    long LockContentions,
    long MaxUpstreamConnections,
    long QueuedForConnection,
    double MaxQueueMs,
    double MaxWorkingSetMb)
{
    public static RuntimeStatsWindow? Read(string path, long startUnixMs, long endUnixMs)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var lines = File.ReadAllLines(path).Skip(1)
            .Select(l => l.Split(',').Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        var before = lines.LastOrDefault(l => l[0] <= startUnixMs);
        var inside = lines.Where(l => l[0] > startUnixMs && l[0] <= endUnixMs).ToArray();
        if (before is null || inside.Length == 0)
        {
            return null;
        }

        var last = inside[^1];
        var pauses = inside.Prepend(before).Zip(inside, (a, b) => b[4] - a[4]);
        return new RuntimeStatsWindow(
            (long)(last[1] - before[1]), (long)(last[2] - before[2]), (long)(last[3] - before[3]),
            last[4] - before[4], pauses.Max(),
            (long)inside.Max(l => l[6]), (long)inside.Max(l => l[7]), (long)(last[8] - before[8]),
            (long)inside.Max(l => l[9]), (long)(last[10] - before[10]), inside.Max(l => l[11]),
            inside.Max(l => l[12]));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"GCs {Gen0}/{Gen1}/{Gen2} (gen0/1/2), pause {GcPauseMs:F1} ms (at most {MaxGcPauseMsPerSecond:F1} ms in one second), pool threads <= {MaxPoolThreads}, pool queue <= {MaxPoolQueue}, lock contentions {LockContentions}, upstream connections <= {MaxUpstreamConnections}, requests that waited for a connection {QueuedForConnection} (longest {MaxQueueMs:F1} ms), working set <= {MaxWorkingSetMb:F0} MB");
}
