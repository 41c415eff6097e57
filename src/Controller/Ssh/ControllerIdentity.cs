using System.Diagnostics;
using System.Globalization;

namespace GpuBench.Controller.Ssh;

/// <summary>
/// The controller process that started an agent on a box: machine name, pid and the process's start time (so a
/// recycled pid is not taken for the same controller). Kept beside the agent so a later controller can tell an
/// agent whose controller is gone from one still in use.
/// </summary>
public sealed record ControllerIdentity(string Machine, int ProcessId, long StartedTicks)
{
    /// <summary>This process.</summary>
    public static ControllerIdentity Current { get; } = Of(Environment.MachineName, Process.GetCurrentProcess());

    /// <summary>One line: machine, pid and start ticks, separated by spaces (a machine name has none).</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Machine} {ProcessId} {StartedTicks}");

    /// <summary>The identity <see cref="ToString"/> wrote; null for anything else (an agent of an older controller).</summary>
    public static ControllerIdentity? Parse(string? line)
    {
        var parts = (line ?? "").Trim().Split(' ');
        return parts.Length == 3
               && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
               && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            ? new ControllerIdentity(parts[0], pid, ticks)
            : null;
    }

    /// <summary>
    /// Whether this controller is known to be gone: it ran on this machine and no process with its pid and start
    /// time runs here any more. A controller on another machine is never known to be gone.
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
            return Of(Machine, process).StartedTicks != StartedTicks;
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

    private static ControllerIdentity Of(string machine, Process process) =>
        new(machine, process.Id, process.StartTime.ToUniversalTime().Ticks);
}
