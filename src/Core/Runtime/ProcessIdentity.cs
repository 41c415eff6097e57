using System.Diagnostics;
using System.Globalization;

namespace GpuBench.Core.Runtime;

/// <summary>
/// A process by machine, pid and start time (so a recycled pid is not taken for the same process): the controller
/// that started an agent on a box, kept beside that agent, or the agent that started an engine container or a
/// process, kept on the container as a label or in the process's record. A later process tells what a live owner
/// still uses from what a gone one left. The machine is its name and <see cref="MachineId"/> (two hosts with one
/// name, as containers and CI runners often are, are told apart), the boot <see cref="BootId"/> (a process of an
/// earlier boot is gone whatever its pid).
/// </summary>
public sealed record ProcessIdentity(string Machine, int ProcessId, long StartedTicks, string MachineId, string BootId)
{
    /// <summary>What an identity field holds when the system does not say (no /etc/machine-id, not Linux).</summary>
    public const string Unknown = "unknown";

    /// <summary>
    /// How far apart two processes may see one process's start: .NET derives a start time from the boot time, which
    /// each process estimates from its own clock readings, so two of them see the same start up to milliseconds apart.
    /// A pid reused within seconds of the first start would need the whole pid range spent in between.
    /// </summary>
    public static readonly TimeSpan SameStart = TimeSpan.FromSeconds(5);

    /// <summary>
    /// This machine: /etc/machine-id and the pid namespace (containers of one image share a machine-id, not their
    /// pid namespace), so that a pid is only ever looked up where it means the same process.
    /// </summary>
    public static string ThisMachineId { get; } = $"{Token(ReadLine("/etc/machine-id"))}:{Token(PidNamespace())}";

    /// <summary>This boot of this machine (/proc/sys/kernel/random/boot_id).</summary>
    public static string ThisBootId { get; } = Token(ReadLine("/proc/sys/kernel/random/boot_id")?.Replace("-", "", StringComparison.Ordinal));

    /// <summary>This process (after the machine's ids: static properties initialise in order).</summary>
    public static ProcessIdentity Current { get; } = Of(Process.GetCurrentProcess());

    /// <summary>One line: machine, pid, start ticks, machine id and boot id, separated by spaces (none has one).</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Machine} {ProcessId} {StartedTicks} {MachineId} {BootId}");

    /// <summary>The identity <see cref="ToString"/> wrote; null for anything else (one written by an older version).</summary>
    public static ProcessIdentity? Parse(string? line)
    {
        var parts = (line ?? "").Trim().Split(' ');
        return parts.Length == 5
               && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
               && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            ? new ProcessIdentity(parts[0], pid, ticks, parts[3], parts[4])
            : null;
    }

    /// <summary>Whether the process ran (or runs) on this machine: its pid means something here.</summary>
    public bool IsOfThisMachine => Machine == Environment.MachineName && MachineId == ThisMachineId;

    /// <summary>
    /// Whether this process is known to be gone: it ran on this machine, and either in an earlier boot or no process
    /// with its pid and start time runs here any more. A process on another machine (another name, another machine
    /// id or pid namespace) is never known to be gone.
    /// </summary>
    public bool IsGoneFromThisMachine()
    {
        if (!IsOfThisMachine)
        {
            return false;
        }

        if (BootId != ThisBootId)
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(ProcessId);
            return Math.Abs(Of(process).StartedTicks - StartedTicks) > SameStart.Ticks;
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

    /// <summary>The identity of <paramref name="process"/>, a process of this machine.</summary>
    public static ProcessIdentity Of(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        return new(Environment.MachineName, process.Id, process.StartTime.ToUniversalTime().Ticks, ThisMachineId, ThisBootId);
    }

    private static string? ReadLine(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>"pid:[4026531836]" as the inode number alone.</summary>
    private static string? PidNamespace()
    {
        try
        {
            var target = new FileInfo("/proc/self/ns/pid").LinkTarget;
            return target is null ? null : new string([.. target.Where(char.IsAsciiDigit)]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A value fit for one space-separated field.</summary>
    private static string Token(string? value) =>
        string.IsNullOrEmpty(value) || !value.All(char.IsAsciiLetterOrDigit) ? Unknown : value.ToLowerInvariant();
}
