namespace GpuBench.Agent.Runtimes.Process;

/// <summary>The Python a command runs under, read from its script's `#!` line (pip writes one into every console script, `vllm` included).</summary>
public static class PythonInterpreter
{
    /// <summary>The interpreter's argv (`/opt/venv/bin/python3`, or `/usr/bin/env python3`); null when the command is not a Python script found on disk or the PATH.</summary>
    public static IReadOnlyList<string>? Of(IReadOnlyList<string> command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0 || Resolve(command[0]) is not { } path)
        {
            return null;
        }

        string? first;
        try
        {
            using var reader = new StreamReader(path);
            var start = new char[2];
            if (reader.ReadBlock(start) != 2 || start[0] != '#' || start[1] != '!')
            {
                return null;
            }

            first = reader.ReadLine();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var interpreter = first?.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return interpreter is { Length: > 0 } && interpreter.Any(p => Path.GetFileName(p).StartsWith("python", StringComparison.Ordinal))
            ? interpreter
            : null;
    }

    private static string? Resolve(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(program) ? program : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
    }
}
