namespace GpuBench.Provisioning;

/// <summary>
/// What provisioning one model did, recorded with the run. Sizes are in bytes and rates in bytes per second or
/// megabytes (10^6 bytes) per second: never bits.
/// </summary>
public sealed record ProvisioningResult(
    string ModelId,
    string Revision,
    ProvisioningOutcome Outcome,
    string? Commit,
    string? SnapshotPath,
    int FileCount,
    long TotalBytes,
    int FilesDownloaded,
    long BytesDownloaded,
    TimeSpan Elapsed,
    ProvisioningFailure? Failure)
{
    public bool Succeeded => Outcome != ProvisioningOutcome.Failed;

    /// <summary>
    /// True when the Hub was not asked (offline, or unreachable after every retry) and the cached snapshot was
    /// taken as it is: whole, but not checked against the Hub's current listing.
    /// </summary>
    public bool FromCacheOnly { get; init; }

    public double ElapsedSeconds => Elapsed.TotalSeconds;

    /// <summary>Bytes received over the network per second of the whole provisioning (listing, transfer, checks).</summary>
    public double DownloadBytesPerSecond => Elapsed > TimeSpan.Zero ? BytesDownloaded / Elapsed.TotalSeconds : 0;

    /// <summary><see cref="DownloadBytesPerSecond"/> in MB/s, 1 MB = 10^6 bytes.</summary>
    public double DownloadMegabytesPerSecond => DownloadBytesPerSecond / 1e6;

    internal static ProvisioningResult Failed(ProvisioningRequest request, string? commit, TimeSpan elapsed, ProvisioningFailure failure) =>
        new(request.ModelId, request.Revision, ProvisioningOutcome.Failed, commit, null, 0, 0, 0, 0, elapsed, failure);
}

public enum ProvisioningOutcome
{
    /// <summary>Every file was already in the cache: nothing was transferred.</summary>
    AlreadyPresent,

    /// <summary>Some files were transferred; the snapshot is now complete.</summary>
    Downloaded,

    Failed,
}
