namespace GpuBench.Provisioning;

/// <summary>
/// A live view of one model's download. Byte counts are of this run's transfer (files already cached are not
/// counted); rates are in bytes per second, never bits.
/// </summary>
public sealed record ProvisioningProgress(
    string ModelId,
    string Commit,
    long BytesDone,
    long BytesTotal,
    int FilesDone,
    int FilesTotal,
    double BytesPerSecond,
    TimeSpan? EstimatedRemaining,
    string? CurrentFile)
{
    public double Fraction => BytesTotal == 0 ? 1 : (double)BytesDone / BytesTotal;
}
