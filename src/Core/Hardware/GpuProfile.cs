namespace GpuBench.Core.Hardware;

/// <summary>What GpuBench knows about one GPU type. Loaded from gpus.yml; see <see cref="GpuCatalog"/>.</summary>
public sealed record GpuProfile
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string[] NvidiaSmiNames { get; init; } = [];
    public required long VramMib { get; init; }

    /// <summary>Chip family ("ada", "hopper", ...): the simulator's efficiency constants are fitted per family.</summary>
    public string Architecture { get; init; } = "";

    /// <summary>Peak device memory bandwidth in GB/s (10^9 bytes per second).</summary>
    public double HbmBandwidthGbps { get; init; }

    /// <summary>Dense FP16/BF16 tensor-core throughput in TFLOP/s (no sparsity).</summary>
    public double Fp16TensorTflops { get; init; }

    public double Int8TensorTops { get; init; }

    public double Fp8TensorTflops { get; init; }

    public double Fp4TensorTflops { get; init; }

    public int PcieGen { get; init; }

    public int PcieLanes { get; init; }

    /// <summary>Total bidirectional NVLink bandwidth per GPU in GB/s; 0 when the GPU has none.</summary>
    public double NvlinkGbps { get; init; }

    public double VramGb => VramMib * 1024.0 * 1024.0 / 1e9;

    public long VramBytes => VramMib * 1024L * 1024L;

    /// <summary>
    /// One-direction PCIe bandwidth in GB/s from generation and width (Gen1 0.25 GB/s per lane, doubling per
    /// generation), before protocol overhead.
    /// </summary>
    public double PcieGbps => PcieGen <= 0 ? 0 : 0.25 * Math.Pow(2, PcieGen - 1) * PcieLanes * 0.985;
}
