using System.Diagnostics;
using System.Text.Json;
using GpuBench.Core.Runtime;

namespace GpuBench.Agent.Processes;

/// <summary>
/// A long-running child (an engine replica, a gateway) started from an argv array, with stdout and stderr merged
/// into a log file, secrets redacted line by line, from an allow-listed environment (<see cref="ChildEnvironment"/>),
/// in a process group the <see cref="ChildReaper"/> stops if the agent dies. Its identity and its owner's (the agent
/// that started it) are recorded in a file, so that an agent started after a crash can find and stop what a dead
/// agent left (<see cref="KillRecorded"/>) without risking a reused pid or a live agent's children.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly SecretRedactor _redactor;
    private readonly string _recordPath;
    private readonly ChildReaper _reaper;
    private readonly Lock _logLock = new();
    private bool _logClosed;

    private ChildProcess(Process process, StreamWriter log, SecretRedactor redactor, string recordPath, ChildReaper reaper)
    {
        _process = process;
        _log = log;
        _redactor = redactor;
        _recordPath = recordPath;
        _reaper = reaper;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <paramref name="argv"/>; <paramref name="secrets"/> are added to its environment and redacted from its log.</summary>
    public static ChildProcess Start(
        IReadOnlyList<string> argv,
        IReadOnlyDictionary<string, string> environment,
        IReadOnlyDictionary<string, string> secrets,
        string logPath,
        string recordDirectory,
        ChildReaper reaper)
    {
        ArgumentNullException.ThrowIfNull(reaper);
        var startInfo = new ProcessStartInfo(reaper.Wrapper ?? argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in reaper.Wrapper is null ? argv.Skip(1) : argv)
        {
            startInfo.ArgumentList.Add(argument);
        }

        ChildEnvironment.Restrict(startInfo.Environment);
        foreach (var (name, value) in environment.Concat(secrets))
        {
            startInfo.Environment[name] = value;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        Directory.CreateDirectory(recordDirectory);
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        try
        {
            // Through the wrapper a missing program would only show as an exit: said here, as without it.
            if (!ExecutableSearch.Exists(argv[0]))
            {
                throw new System.ComponentModel.Win32Exception(2, "No such file or directory");
            }

            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            log.WriteLine($"cannot start {argv[0]}: {e.Message}");
            log.Dispose();
            process.Dispose();
            throw new InvalidOperationException($"Cannot start '{argv[0]}': {e.Message}", e);
        }

        reaper.Watch(process.Id);
        var recordPath = Path.Combine(recordDirectory, $"{process.Id}.json");
        File.WriteAllText(recordPath, JsonSerializer.Serialize(
            new ProcessRecord(ProcessIdentity.Of(process).ToString(), ProcessIdentity.Current.ToString(), argv[0])));
        var child = new ChildProcess(process, log, new SecretRedactor(secrets.Values), recordPath, reaper);
        process.OutputDataReceived += (_, e) => child.Write(e.Data);
        process.ErrorDataReceived += (_, e) => child.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return child;
    }

    /// <summary>
    /// Asks the process to stop (SIGTERM, which lets vLLM shut its workers down and release its shared memory in
    /// /dev/shm), kills it and its children if it has not exited after <paramref name="grace"/>, waits for its output
    /// to drain, and forgets its record.
    /// </summary>
    public async Task StopAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!_process.HasExited && grace > TimeSpan.Zero && Signals.Terminate(_process.Id))
        {
            using var graceOver = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            graceOver.CancelAfter(grace);
            try
            {
                await _process.WaitForExitAsync(graceOver.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Still running after the grace period: killed below.
            }
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(cancellationToken);
        _reaper.Forget(_process.Id);
        File.Delete(_recordPath);
    }

    /// <summary>
    /// Kills the processes recorded in <paramref name="recordDirectory"/> by an agent that is gone (or unknown) and
    /// that are still the same processes; the records of a live agent's children (a second agent of the same box
    /// user) are left as they are.
    /// </summary>
    public static int KillRecorded(string recordDirectory)
    {
        if (!Directory.Exists(recordDirectory))
        {
            return 0;
        }

        var killed = 0;
        foreach (var path in Directory.GetFiles(recordDirectory, "*.json"))
        {
            var record = ReadRecord(path);
            if (record?.Owner is { } owner && owner != ProcessIdentity.Current && !owner.IsGoneFromThisMachine())
            {
                continue;
            }

            if (record is not null && TryGetSameProcess(record, out var process))
            {
                using (process)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(TimeSpan.FromSeconds(30));
                    killed++;
                }
            }

            File.Delete(path);
        }

        return killed;
    }

    public void Dispose()
    {
        _process.Dispose();
        lock (_logLock)
        {
            _logClosed = true;
            _log.Dispose();
        }
    }

    private static ProcessRecord? ReadRecord(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<ProcessRecord>(File.ReadAllText(path));
        }
        catch (JsonException)
        {
            // Half written by an agent that died writing it, or of an older version: nothing to tell by.
            return null;
        }
    }

    private static bool TryGetSameProcess(ProcessRecord record, out Process process)
    {
        process = null!;
        if (record.Child is not { IsOfThisMachine: true } child || child.IsGoneFromThisMachine())
        {
            return false;
        }

        try
        {
            process = Process.GetProcessById(child.ProcessId);
            if (!process.HasExited)
            {
                return true;
            }

            process.Dispose();
        }
        catch (ArgumentException)
        {
            // No such process any more.
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }

        process = null!;
        return false;
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            if (!_logClosed)
            {
                _log.WriteLine(_redactor.Redact(line));
            }
        }
    }

    /// <summary>A child (<see cref="ProcessIdentity"/>), the agent that started it, and what it runs.</summary>
    private sealed record ProcessRecord(string Process, string Agent, string Executable)
    {
        public ProcessIdentity? Child => ProcessIdentity.Parse(Process);

        public ProcessIdentity? Owner => ProcessIdentity.Parse(Agent);
    }
}
