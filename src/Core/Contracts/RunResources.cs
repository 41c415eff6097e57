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

    /// <summary>"sim-rtx4090/qwen3-coder-30b/smoke", 0 → "sim-rtx4090-qwen3-coder-30b-smoke-replica-0".</summary>
    public static string Replica(string run, int index) =>
        Name(run, $"replica-{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>"sim-rtx4090/qwen3-coder-30b/smoke" → "sim-rtx4090-qwen3-coder-30b-smoke-gateway".</summary>
    public static string Gateway(string run) => Name(run, "gateway");

    /// <summary>Lowercase letters, digits and single hyphens; what remains of a name made only of other characters is empty.</summary>
    public static string Slug(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return NotAlphanumeric().Replace(text.ToLowerInvariant(), "-").Trim('-');
    }

    private static string Name(string run, string suffix)
    {
        var slug = Slug(run);
        if (slug.Length == 0 || !char.IsAsciiLetter(slug[0]))
        {
            slug = slug.Length == 0 ? "run" : $"run-{slug}";
        }

        var name = $"{slug}-{suffix}";
        if (name.Length <= MaxLength)
        {
            return name;
        }

        // Too long: a prefix of the run and a hash of all of it, so two long runs that share a prefix stay apart.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(run)))[..8];
        var room = MaxLength - suffix.Length - hash.Length - 2;
        return $"{slug[..room].TrimEnd('-')}-{hash}-{suffix}";
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotAlphanumeric();
}
