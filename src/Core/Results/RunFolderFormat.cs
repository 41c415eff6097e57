namespace GpuBench.Core.Results;

/// <summary>
/// Versions of the run folder's layout and record. 1: GpuBench 0.1.0, no version in the record, no workload or
/// hardware in it (the report takes those from the folder's config.yml slice and system-info.txt). 2: the record
/// carries its <see cref="RunRecord.FormatVersion"/>, the workload's parameters, the model revision and the box's
/// driver, CUDA and CPU, and the report reads what ran from the record alone.
/// </summary>
public static class RunFolderFormat
{
    /// <summary>What a record without a version was written in.</summary>
    public const int Unversioned = 1;

    /// <summary>The version this build writes.</summary>
    public const int Current = 2;
}
