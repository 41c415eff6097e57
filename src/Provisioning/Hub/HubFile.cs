namespace GpuBench.Provisioning.Hub;

/// <summary>
/// One file of a repository at a commit, as the tree API lists it. <see cref="BlobId"/> is what huggingface_hub
/// names the cached blob after (the file's ETag): the sha256 for LFS files, the git blob id otherwise.
/// </summary>
public sealed record HubFile(string Path, long Size, string GitOid, string? Sha256)
{
    public bool IsLfs => Sha256 is not null;

    public string BlobId => Sha256 ?? GitOid;
}
