using GpuBench.Provisioning.Hub;

namespace GpuBench.Provisioning.Cache;

/// <summary>
/// One model's folder in a huggingface_hub cache: &lt;HF_HOME&gt;/hub/models--&lt;org&gt;--&lt;name&gt;/ with
/// blobs/&lt;etag&gt; (the content), snapshots/&lt;commit&gt;/&lt;path&gt; (relative symlinks to the blobs) and
/// refs/&lt;revision&gt; (the commit a branch or tag pointed at). vLLM, transformers and huggingface_hub read
/// exactly this, offline included.
/// </summary>
internal sealed class RepoCache
{
    public RepoCache(string hfHome, string repositoryId)
    {
        HubDirectory = Path.GetFullPath(Path.Combine(hfHome, "hub"));
        RepositoryDirectory = Path.Combine(HubDirectory, FolderName(repositoryId));
        BlobsDirectory = Path.Combine(RepositoryDirectory, "blobs");
    }

    public string HubDirectory { get; }

    public string RepositoryDirectory { get; }

    public string BlobsDirectory { get; }

    /// <summary>huggingface_hub's folder name: "models--" then the repository id with '/' replaced by "--".</summary>
    public static string FolderName(string repositoryId) => "models--" + repositoryId.Replace("/", "--", StringComparison.Ordinal);

    public string BlobPath(string blobId) => Path.Combine(BlobsDirectory, blobId);

    /// <summary>Where a blob is written until verified; huggingface_hub resumes the same name.</summary>
    public string IncompletePath(string blobId) => BlobPath(blobId) + ".incomplete";

    public string SnapshotDirectory(string commit) => Path.Combine(RepositoryDirectory, "snapshots", commit);

    public string SnapshotPath(string commit, string path) => Path.Combine(SnapshotDirectory(commit), path);

    public string RefPath(string revision) => Path.Combine(RepositoryDirectory, "refs", revision);

    /// <summary>
    /// Makes snapshots/&lt;commit&gt;/&lt;path&gt; a relative symlink to its blob (as huggingface_hub does, so the
    /// cache can be moved or mounted elsewhere), replacing whatever stood there.
    /// </summary>
    public void Link(string commit, HubFile file)
    {
        var link = SnapshotPath(commit, file.Path);
        var directory = Path.GetDirectoryName(link)!;
        var target = Path.GetRelativePath(directory, BlobPath(file.BlobId));
        if (IsLinkTo(link, target))
        {
            return;
        }

        Directory.CreateDirectory(directory);
        // Built aside and renamed over the old entry, so a reader never finds the path missing.
        var temporary = link + ".link-" + Guid.NewGuid().ToString("N");
        File.CreateSymbolicLink(temporary, target);
        File.Move(temporary, link, overwrite: true);
    }

    public bool IsLinked(string commit, HubFile file)
    {
        var link = SnapshotPath(commit, file.Path);
        return IsLinkTo(link, Path.GetRelativePath(Path.GetDirectoryName(link)!, BlobPath(file.BlobId)));
    }

    /// <summary>
    /// The snapshot a revision points at in the cache (through refs/, or by commit hash) when every entry in it
    /// resolves to a blob; null when there is none or a link dangles. Used when the Hub cannot be asked, so it can
    /// only tell that what a completed provisioning left is still whole, not that it is what the Hub has now.
    /// </summary>
    public CachedSnapshot? FindSnapshot(string revision)
    {
        var commit = HubClient.IsCommitHash(revision) ? revision : ReadRef(revision);
        var directory = commit is null ? null : SnapshotDirectory(commit);
        if (directory is null || !Directory.Exists(directory))
        {
            return null;
        }

        var entries = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Select(p => new FileInfo(p)).ToArray();
        var targets = entries.Select(e => e.LinkTarget is null ? e : e.ResolveLinkTarget(returnFinalTarget: true) as FileInfo).ToArray();
        if (targets.Length == 0 || targets.Any(t => t is not { Exists: true }))
        {
            return null;
        }

        return new CachedSnapshot(commit!, directory, targets.Length, targets.Sum(t => t!.Length));
    }

    public string? ReadRef(string revision)
    {
        var path = RefPath(revision);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    /// <summary>Records the commit a branch or tag resolved to; a commit asked for by hash needs no ref.</summary>
    public void WriteRef(string revision, string commit)
    {
        if (revision == commit || ReadRef(revision) == commit)
        {
            return;
        }

        var path = RefPath(revision);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(temporary, commit);
        File.Move(temporary, path, overwrite: true);
    }

    internal sealed record CachedSnapshot(string Commit, string Directory, int FileCount, long TotalBytes);

    private static bool IsLinkTo(string link, string target)
    {
        var info = new FileInfo(link);
        return info.LinkTarget == target;
    }
}
