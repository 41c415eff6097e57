namespace GpuBench.Agent.Runtimes;

/// <summary>
/// Quotes argv entries for display in command.txt, so a person can paste a line into a POSIX shell. The agent
/// itself never runs a shell: processes get argv arrays.
/// </summary>
public static class ShellQuoting
{
    public static string Quote(string argument)
    {
        if (argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@%+".Contains(c, StringComparison.Ordinal)))
        {
            return argument;
        }

        return "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    public static string Join(IEnumerable<string> argv) => string.Join(' ', argv.Select(Quote));
}
