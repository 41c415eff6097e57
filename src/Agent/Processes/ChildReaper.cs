using System.Diagnostics;
using System.Globalization;

namespace GpuBench.Agent.Processes;

/// <summary>
/// Makes sure no engine or gateway outlives its agent, even one killed with SIGKILL. Each child runs in a process
/// group of its own (started through <c>setsid</c>, which execs in place, so its pid is its group id), and a small
/// shell started with the agent watches the agent: its stdin is a pipe only the agent holds, so the kernel closes it
/// when the agent dies, however it dies. The shell then sends SIGTERM to every group it was told about (vLLM shuts its
/// workers down on it), and SIGKILL to what is left after a grace period. A group covers the child's own children
/// (vLLM's engine core and workers), which a parent-death signal on the child alone would not, and a signal tied
/// to the forking thread, as Linux's PR_SET_PDEATHSIG is, would fire when a pool thread of the agent retires.
/// </summary>
public sealed class ChildReaper : IDisposable
{
    /// <summary>How long the groups of a dead agent get between SIGTERM and SIGKILL.</summary>
    public const int GraceSeconds = 10;

    // Ignores the signals an operator's Ctrl-C or a service manager sends the agent's group: the agent stops its
    // children itself then, and the reaper must still be there if it does not.
    private const string Script =
        "trap '' INT TERM HUP\n" +
        "groups=' '\n" +
        "while IFS= read -r line; do\n" +
        "  case \"$line\" in\n" +
        "    +*) groups=\"$groups${line#+} \" ;;\n" +
        "    -*) rest=' '; for g in $groups; do [ \"$g\" = \"${line#-}\" ] || rest=\"$rest$g \"; done; groups=$rest ;;\n" +
        "  esac\n" +
        "done\n" +
        "[ -z \"${groups# }\" ] && exit 0\n" +
        "for g in $groups; do kill -TERM \"-$g\" 2>/dev/null; done\n" +
        "i=0; while [ $i -lt $1 ]; do alive=; for g in $groups; do kill -0 \"-$g\" 2>/dev/null && alive=1; done; [ -z \"$alive\" ] && exit 0; sleep 1; i=$((i+1)); done\n" +
        "for g in $groups; do kill -KILL \"-$g\" 2>/dev/null; done\n";

    private readonly Lock _lock = new();
    private readonly Process? _watcher;

    public ChildReaper()
    {
        if (!OperatingSystem.IsLinux() || !ExecutableSearch.Exists(SetSid))
        {
            return;
        }

        var startInfo = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", Script, "gpubench-reaper", GraceSeconds.ToString(CultureInfo.InvariantCulture) })
        {
            startInfo.ArgumentList.Add(argument);
        }

        _watcher = Process.Start(startInfo);
    }

    /// <summary>The program that starts a child in a group of its own; null where there is no reaper.</summary>
    public string? Wrapper => _watcher is null ? null : SetSid;

    /// <summary>The reaper's own pid, or null where there is none.</summary>
    public int? ProcessId => _watcher?.Id;

    private static string SetSid => "setsid";

    /// <summary>From now on the group of <paramref name="processId"/> is stopped when the agent dies.</summary>
    public void Watch(int processId) => Tell($"+{processId.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The child was stopped by the agent: its group id may be reused.</summary>
    public void Forget(int processId) => Tell($"-{processId.ToString(CultureInfo.InvariantCulture)}");

    public void Dispose()
    {
        if (_watcher is null)
        {
            return;
        }

        lock (_lock)
        {
            // Closing the pipe is the agent's "I am gone": what is still watched is stopped, then the reaper exits.
            _watcher.StandardInput.Close();
        }

        _watcher.WaitForExit(TimeSpan.FromSeconds(GraceSeconds + 5));
        _watcher.Dispose();
    }

    private void Tell(string line)
    {
        if (_watcher is null)
        {
            return;
        }

        lock (_lock)
        {
            _watcher.StandardInput.WriteLine(line);
            _watcher.StandardInput.Flush();
        }
    }
}
