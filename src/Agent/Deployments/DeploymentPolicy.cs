using GpuBench.Agent.Hosting;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;

namespace GpuBench.Agent.Deployments;

/// <summary>
/// What the agent refuses to deploy, whoever holds the token: a Docker deployment runs as root on the box, so its
/// image must be pinned, its model cache (mounted read-write) must lie under one of
/// <see cref="AgentOptions.ModelCacheRoots"/> and never in a system path, and its environment may not inject code
/// into the engine (LD_*, PYTHON*, PATH and the like).
/// </summary>
public static class DeploymentPolicy
{
    /// <summary>Paths no deployment may use as its model cache, nor anything under them.</summary>
    private static readonly string[] SystemPaths =
        ["/etc", "/bin", "/sbin", "/usr", "/lib", "/lib32", "/lib64", "/boot", "/dev", "/proc", "/sys", "/run", "/var/run", "/var/lib/docker", "/root"];

    /// <summary>Variables that load or redirect code in the engine's process (the dynamic linker, Python, shells, .NET).</summary>
    private static readonly string[] InjectingPrefixes = ["LD_", "PYTHON", "DOTNET_STARTUP_HOOKS", "CORECLR_", "DYLD_"];

    private static readonly HashSet<string> InjectingNames = new(StringComparer.Ordinal) { "PATH", "BASH_ENV", "ENV", "NODE_OPTIONS", "PERL5OPT" };

    /// <summary>Throws <see cref="DeploymentRejectedException"/> with every reason the request is refused.</summary>
    public static void Check(DeploymentRequest request, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var engine = request.Engine;
        if (request.Runtime == RuntimeKind.Docker && EngineSettings.ImageProblem(engine.Settings.Image) is { } image)
        {
            problems.Add($"image {image}");
        }

        if (engine.ModelCacheDir is { } cache && CacheProblem(cache, options) is { } cacheProblem)
        {
            problems.Add(cacheProblem);
        }

        problems.AddRange(engine.Settings.Env.Keys.Where(IsInjecting)
            .Select(name => $"engine env {name} is not allowed: it would change what code the engine runs"));
        if (problems.Count > 0)
        {
            throw new DeploymentRejectedException(string.Join("; ", problems));
        }
    }

    public static bool IsInjecting(string name) =>
        InjectingNames.Contains(name) || InjectingPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));

    private static string? CacheProblem(string cache, AgentOptions options)
    {
        if (!Path.IsPathFullyQualified(cache) || cache.Split('/').Contains(".."))
        {
            return $"model cache '{cache}' must be an absolute path without '..'";
        }

        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(cache));
        if (full == "/" || SystemPaths.Any(system => IsUnder(full, system)))
        {
            return $"model cache '{cache}' is a system path";
        }

        var roots = options.ModelCacheRoots.Select(Expand).ToArray();
        return roots.Any(root => IsUnder(full, root))
            ? null
            : $"model cache '{cache}' is not under an allowed root ({string.Join(", ", roots)}; Agent:ModelCacheRoots)";
    }

    private static bool IsUnder(string path, string root)
    {
        root = Path.TrimEndingDirectorySeparator(root);
        return path == root || path.StartsWith(root + "/", StringComparison.Ordinal);
    }

    private static string Expand(string root) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(root.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), root[2..])
            : root));
}

/// <summary>The agent refuses the deployment (<see cref="DeploymentPolicy"/>): a 400 that says why.</summary>
public sealed class DeploymentRejectedException(string message) : Exception(message);
