namespace GpuBench.Provisioning.Cache;

/// <summary>Reads files of a model already in a huggingface_hub cache, for tools that only look (no download).</summary>
public static class CachedFiles
{
    /// <summary>
    /// The path of <paramref name="file"/> in the snapshot <paramref name="revision"/> of <paramref name="repositoryId"/>
    /// points at under <paramref name="hfHome"/>, or null when the cache has no whole snapshot holding it.
    /// </summary>
    public static string? Find(string hfHome, string repositoryId, string revision, string file)
    {
        var snapshot = new RepoCache(hfHome, repositoryId).FindSnapshot(revision);
        var path = snapshot is null ? null : Path.Combine(snapshot.Directory, file);
        return path is not null && File.Exists(path) ? path : null;
    }
}
