using System.Security.Cryptography;
using System.Text;

namespace GpuBench.TestSupport.Hub;

/// <summary>A repository the test Hub serves: branches pointing at commits, each commit a set of files.</summary>
public sealed class HubRepository(string id)
{
    /// <summary>Files at least this large (and every .safetensors/.bin) are served as LFS files, through the CDN.</summary>
    public const int LfsThreshold = 10_000;

    private readonly Dictionary<string, Dictionary<string, byte[]>> _commits = [];

    public string Id { get; } = id;

    public Dictionary<string, string> Branches { get; } = [];

    /// <summary>When set, the repository is gated and only this token gets in.</summary>
    public string? GatedToken { get; init; }

    public IReadOnlyDictionary<string, byte[]>? FilesAt(string commit) => _commits.GetValueOrDefault(commit);

    /// <summary>Adds a commit with these files and points the branch at it; returns the commit hash.</summary>
    public string Commit(string branch, Dictionary<string, byte[]> files)
    {
        var commit = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"{Id}/{branch}/{_commits.Count}")));
        _commits[commit] = files;
        Branches[branch] = commit;
        return commit;
    }

    public string? Resolve(string revision) =>
        Branches.TryGetValue(revision, out var commit) ? commit : _commits.ContainsKey(revision) ? revision : null;

    public static bool IsLfs(string path, byte[] content) =>
        content.Length >= LfsThreshold || path.EndsWith(".safetensors", StringComparison.Ordinal) || path.EndsWith(".bin", StringComparison.Ordinal);

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>git's blob id: sha1 over "blob &lt;size&gt;\0" and the content.</summary>
    public static string GitOid(byte[] content)
    {
        var header = Encoding.ASCII.GetBytes($"blob {content.Length}\0");
#pragma warning disable CA5350 // git's object id, computed to check the provisioner against it.
        return Convert.ToHexStringLower(SHA1.HashData([.. header, .. content]));
#pragma warning restore CA5350
    }

    /// <summary>The id huggingface_hub names a cached blob after: sha256 for LFS files, git blob id otherwise.</summary>
    public static string BlobId(string path, byte[] content) => IsLfs(path, content) ? Sha256(content) : GitOid(content);

    /// <summary>Reproducible pseudo-random bytes, so hashes are real and sizes arbitrary.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
