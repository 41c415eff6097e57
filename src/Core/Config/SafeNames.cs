namespace GpuBench.Core.Config;

/// <summary>
/// Names of servers, models and workloads become folder names under results/, so they must be plain:
/// letters, digits, '.', '_' and '-', not starting with '.', at most 64 characters.
/// </summary>
public static class SafeNames
{
    public const int MaxLength = 64;

    /// <summary>Why <paramref name="name"/> is unsafe in a path, or null when it is safe.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0)
        {
            return "must not be empty";
        }

        if (name.Any(char.IsControl))
        {
            return "contains control characters";
        }

        if (name.Contains('/') || name.Contains('\\'))
        {
            return $"contains '{(name.Contains('/') ? '/' : '\\')}'";
        }

        if (name.Contains("..", StringComparison.Ordinal))
        {
            return "contains '..'";
        }

        if (name.Length > MaxLength)
        {
            return $"is longer than {MaxLength} characters";
        }

        if (name[0] == '.' || name[0] == '-')
        {
            return $"starts with '{name[0]}'";
        }

        var bad = name.FirstOrDefault(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'));
        return bad == default ? null : $"contains '{bad}'";
    }
}
