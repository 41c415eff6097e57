using System.Globalization;

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

    /// <summary>One line for a terminal or log: "1.20 / 4.00 GB (30.0%), 105.3 MB/s, 27 s left, 2/8 files, model-00003.safetensors".</summary>
    public override string ToString()
    {
        var left = EstimatedRemaining is { } eta ? string.Create(CultureInfo.InvariantCulture, $"{eta.TotalSeconds:F0} s left") : "time left unknown";
        var file = CurrentFile is { Length: > 0 } current ? ", " + current : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{BytesDone / 1e9:F2} / {BytesTotal / 1e9:F2} GB ({Fraction * 100:F1}%), {BytesPerSecond / 1e6:F1} MB/s, {left}, {FilesDone}/{FilesTotal} files{file}");
    }
}
