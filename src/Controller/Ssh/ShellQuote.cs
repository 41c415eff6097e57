using System.Text;

namespace GpuBench.Controller.Ssh;

/// <summary>
/// Turns an argv array into a POSIX shell command line that the remote shell splits back into exactly those
/// arguments: every argument is single-quoted, so no character in it (<c>$ ` \ " ; &amp; | * ~</c>, newlines) means
/// anything to the shell. SSH only carries a command line, so this is the one way config values reach the box.
/// </summary>
public static class ShellQuote
{
    /// <summary>One argument as a single shell word.</summary>
    public static string Quote(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        if (argument.Contains('\0', StringComparison.Ordinal))
        {
            // A C string ends at NUL, so no program could receive this argument intact.
            throw new ArgumentException("An argument passed to a remote command cannot contain a NUL character.", nameof(argument));
        }

        // Inside single quotes everything is literal except the closing quote itself, which is written as '\''.
        return "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>A whole argv as a command line: the program and each argument quoted.</summary>
    public static string Join(IEnumerable<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var line = new StringBuilder();
        foreach (var argument in argv)
        {
            if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(Quote(argument));
        }

        if (line.Length == 0)
        {
            throw new ArgumentException("A remote command needs at least the program to run.", nameof(argv));
        }

        return line.ToString();
    }

    /// <summary>An environment assignment word (<c>NAME='value'</c>) for a command's prefix; the name is checked, not quoted.</summary>
    public static string Assignment(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_') ||
            !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"'{name}' is not a valid environment variable name.", nameof(name));
        }

        return name + "=" + Quote(value);
    }
}
