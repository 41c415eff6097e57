namespace GpuBench.Reporting.Import;

/// <summary>The "--name value" / "--name=value" / "--switch" flags of a command line, as vLLM's CLIs take them.</summary>
public sealed class CommandLineFlags
{
    private readonly Dictionary<string, string> _values;

    private CommandLineFlags(Dictionary<string, string> values) => _values = values;

    public static CommandLineFlags Parse(string commandLine)
    {
        var tokens = commandLine.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (!token.StartsWith("--", StringComparison.Ordinal))
            {
                continue;
            }

            var equals = token.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values[token[..equals]] = token[(equals + 1)..];
            }
            else if (i + 1 < tokens.Length && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                values[token] = tokens[++i];
            }
            else
            {
                values[token] = "";
            }
        }

        return new CommandLineFlags(values);
    }

    public string? this[string flag] => _values.TryGetValue(flag, out var value) ? value : null;

    public int? Int(string flag) => int.TryParse(this[flag], out var value) ? value : null;
}
