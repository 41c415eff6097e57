using GpuBench.Core.Results;
using GpuBench.Controller.Campaigns;

namespace GpuBench.Controller.Ssh;

/// <summary>An agent bundle kept in a <see cref="BundleStore"/>: its directory and content hash.</summary>
public sealed record StoredBundle(string RuntimeId, string Directory, string Hash);

/// <summary>
/// Where `gpubench bundle` keeps the bundles it builds and `gpubench bench` finds them: one folder per runtime id,
/// each bundle in a folder named by its content hash (<see cref="AgentBundle"/>), and a <see cref="CurrentFile"/>
/// naming the latest. A bundle arrives whole or not at all: it is built beside, renamed into place, and only then
/// made current.
/// </summary>
public sealed class BundleStore(string root)
{
    /// <summary>Names the store when set; otherwise $XDG_CACHE_HOME/gpubench/bundles, or ~/.cache/gpubench/bundles.</summary>
    public const string RootVariable = "GPUBENCH_BUNDLES";

    /// <summary>The file, in a runtime id's folder, holding the hash of its current bundle.</summary>
    public const string CurrentFile = "current";

    /// <summary>The runtime id of Linux boxes on x86-64, the bundle built when none is named.</summary>
    public const string DefaultRuntimeId = "linux-x64";

    /// <summary>The programs a bundle must hold, relative to its folder (the paths the SSH transport starts).</summary>
    public static IReadOnlyList<string> Programs { get; } = [AgentTools.AgentPath, AgentTools.GatewayPath, AgentTools.SimulatorPath];

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The store named by <see cref="RootVariable"/>, else the user's cache folder.</summary>
    public static BundleStore Default()
    {
        if (Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } configured)
        {
            return new BundleStore(LocalPath.Expand(configured));
        }

        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return new BundleStore(Path.Combine(cache, "gpubench", "bundles"));
    }

    public string RuntimeDirectory(string runtimeId) => Path.Combine(Root, RuntimeIds.Checked(runtimeId));

    /// <summary>The current bundle for <paramref name="runtimeId"/>; null when none was built (or it was removed since).</summary>
    public StoredBundle? Find(string runtimeId)
    {
        var current = Path.Combine(RuntimeDirectory(runtimeId), CurrentFile);
        if (!File.Exists(current))
        {
            return null;
        }

        var hash = File.ReadAllText(current).Trim();
        var directory = Path.Combine(RuntimeDirectory(runtimeId), hash);
        return hash.Length > 0 && Programs.All(p => File.Exists(Path.Combine(directory, p)))
            ? new StoredBundle(runtimeId, directory, hash)
            : null;
    }

    /// <summary>The current bundle for <paramref name="runtimeId"/>, or an error that says how to build it.</summary>
    public StoredBundle Require(string runtimeId) =>
        Find(runtimeId) ?? throw new InvalidOperationException(
            $"No agent bundle for {runtimeId} in {RuntimeDirectory(runtimeId)}: build it with `gpubench bundle --runtime {runtimeId}" +
            (Root == Default().Root ? "" : $" --output {Root}") + "`, or pass --bundle DIR.");

    /// <summary>
    /// Moves a bundle laid out in <paramref name="staged"/> (agent/, gateway/, simulator/) into the store under its
    /// content hash and makes it current. The same content already there is kept and <paramref name="staged"/> removed.
    /// </summary>
    public async Task<(StoredBundle Bundle, bool Reused)> AddAsync(string runtimeId, string staged, CancellationToken cancellationToken)
    {
        var missing = Programs.Where(p => !File.Exists(Path.Combine(staged, p))).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"The bundle in {staged} lacks {string.Join(", ", missing)}.");
        }

        var hash = (await AgentBundle.LoadAsync(staged, cancellationToken).ConfigureAwait(false)).Hash;
        var runtimeDirectory = RuntimeDirectory(runtimeId);
        Directory.CreateDirectory(runtimeDirectory);
        var target = Path.Combine(runtimeDirectory, hash);
        var reused = Directory.Exists(target);
        if (reused)
        {
            Directory.Delete(staged, recursive: true);
        }
        else
        {
            Directory.Move(staged, target);
        }

        await DurableFile.WriteAtomicallyAsync(Path.Combine(runtimeDirectory, CurrentFile), hash + "\n", cancellationToken).ConfigureAwait(false);
        return (new StoredBundle(runtimeId, target, hash), reused);
    }
}
