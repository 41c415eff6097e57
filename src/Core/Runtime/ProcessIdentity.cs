using System.Diagnostics;
using System.Globalization;

namespace GpuBench.Core.Runtime;

/// <summary>
/// A process by machine name, pid and start time (so a recycled pid is not taken for the same process): the
/// controller that started an agent on a box, kept beside that agent, or the agent that started an engine container,
/// kept on the container as a label. A later process tells what a live owner still uses from what a gone one left.
/// </summary>
public sealed record ProcessIdentity(string Machine, int ProcessId, long StartedTicks)
{
    /// <summary>
    /// How far apart two processes may see one process's start: .NET derives a start time from the boot time, which
    /// each process estimates from its own clock readings, so two of them see the same start up to milliseconds apart.
    /// A pid reused within seconds of the first start would need the whole pid range spent in between.
    /// </summary>
    public static readonly TimeSpan SameStart = TimeSpan.FromSeconds(5);

    /// <summary>This process.</summary>
    public static ProcessIdentity Current { get; } = Of(Environment.MachineName, Process.GetCurrentProcess());

    /// <summary>One line: machine, pid and start ticks, separated by spaces (a machine name has none).</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Machine} {ProcessId} {StartedTicks}");

    /// <summary>The identity <see cref="ToString"/> wrote; null for anything else (one written by an older version).</summary>
    public static ProcessIdentity? Parse(string? line)
    {
        var parts = (line ?? "").Trim().Split(' ');
        return parts.Length == 3
               && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
               && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            ? new ProcessIdentity(parts[0], pid, ticks)
            : null;
    }

    /// <summary>
    /// Whether this process is known to be gone: it ran on this machine and no process with its pid and start
    /// time runs here any more. A process on another machine is never known to be gone.
    /// </summary>
    public bool IsGoneFromThisMachine()
    {
        if (Machine != Environment.MachineName)
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(ProcessId);
            return Math.Abs(Of(Machine, process).StartedTicks - StartedTicks) > SameStart.Ticks;
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            // It exited while being looked at.
            return true;
        }
    }

    private static ProcessIdentity Of(string machine, Process process) =>
        new(machine, process.Id, process.StartTime.ToUniversalTime().Ticks);
}
