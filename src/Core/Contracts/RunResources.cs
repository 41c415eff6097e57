using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace GpuBench.Core.Contracts;

/// <summary>
/// The names of the processes an agent starts for a run (server/model/workload): each engine replica and the
/// gateway over them. The agent exports their telemetry under these service names and the AppHost shows a dashboard
/// resource of the same name, which is how the dashboard links the resource to its traces, metrics and logs. So the
/// names follow Aspire's rules for resource names: letters, digits and single hyphens, starting with a letter, at
/// most 64 characters.
/// </summary>
public static partial class RunResources
{
    /// <summary>Aspire's longest resource name.</summary>
    public const int MaxLength = 64;

    /// <summary>"sim-rtx4090/qwen3-coder-30b/smoke", 0 → "qwen3-coder-30b-smoke-r0-sim-rtx4090".</summary>
    public static string Replica(string run, int index) =>
        Name(run, $"r{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>"sim-rtx4090/qwen3-coder-30b/smoke" → "qwen3-coder-30b-smoke-gateway-sim-rtx4090".</summary>
    public static string Gateway(string run) => Name(run, "gateway");

    /// <summary>Lowercase letters, digits and single hyphens; what remains of a name made only of other characters is empty.</summary>
    public static string Slug(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return NotAlphanumeric().Replace(text.ToLowerInvariant(), "-").Trim('-');
    }

    /// <summary>
    /// The model and workload first, then the process, then the server: the dashboard nests these resources under
    /// their server's agent and cuts long names short, so what tells them apart comes first.
    /// </summary>
    private static string Name(string run, string process)
    {
        var parts = run.Split('/', 2);
        var what = StartingWithALetter(parts.Length == 2 ? Slug(parts[1]) : "");
        var name = string.Join('-', new[] { what, process, Slug(parts[0]) }.Where(p => p.Length > 0));
        if (name.Length <= MaxLength)
        {
            return name;
        }

        // Too long: without the server (the parent resource names it), the model and workload cut short, and a
        // hash of the whole run, so two long runs that share a prefix stay apart.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(run)))[..8];
        var room = MaxLength - process.Length - hash.Length - 2;
        return $"{what[..Math.Min(room, what.Length)].TrimEnd('-')}-{process}-{hash}";
    }

    private static string StartingWithALetter(string slug) =>
        slug.Length > 0 && char.IsAsciiLetter(slug[0]) ? slug : slug.Length == 0 ? "run" : $"run-{slug}";

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotAlphanumeric();
}
