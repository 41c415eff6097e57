namespace GpuBench.Core.Hardware;

/// <summary>What GpuBench knows about one GPU type. Loaded from gpus.yml; see <see cref="GpuCatalog"/>.</summary>
public sealed record GpuProfile
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string[] NvidiaSmiNames { get; init; } = [];
    public required long VramMib { get; init; }

    public double VramGb => VramMib * 1024.0 * 1024.0 / 1e9;
}
