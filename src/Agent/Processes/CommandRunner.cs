using System.Diagnostics;
using System.Text;

namespace GpuBench.Agent.Processes;

/// <summary>The outcome of a finished command.</summary>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Runs short-lived commands (nvidia-smi, lscpu). One seam so parsers can be tested on recorded output.</summary>
public interface ICommandRunner
{
    /// <summary>Runs <paramref name="fileName"/> with an argv array (never a shell string); null when it cannot start.</summary>
    Task<CommandResult?> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken);
}

/// <summary>
/// Runs commands as child processes with a timeout (a program past it is killed and a <see cref="TimeoutException"/>
/// says which); a missing executable is "not available", not an error.
/// </summary>
public sealed class CommandRunner(TimeSpan timeout) : ICommandRunner
{
    public CommandRunner()
        : this(TimeSpan.FromSeconds(30))
    {
    }

    public async Task<CommandResult?> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            if (!process.Start())
            {
                return null;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeoutSource.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeoutSource.Token);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
            return new CommandResult(process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            // Our own timeout, not the caller's cancellation: a hung program is a failure, said as one.
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:0.#} s.");
        }
    }
}

public static class ExecutableSearch
{
    /// <summary>True when <paramref name="name"/> is an existing path or found on PATH.</summary>
    public static bool Exists(string name)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(name);
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, name)));
    }
}
