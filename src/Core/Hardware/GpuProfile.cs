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

    /// <summary>
    /// True when ECC is on by default and its check bits live in the same DRAM as the data (GDDR6 without
    /// side-band ECC chips): nvidia-smi then shows less than the physical memory, and every read also fetches
    /// the check bits.
    /// </summary>
    public bool InbandEcc { get; init; }

    /// <summary>Memory on the board in MiB; with in-band ECC, more than <see cref="VramMib"/>.</summary>
    public long PhysicalVramMib { get; init; }

    /// <summary>
    /// Bandwidth left for data, GB/s: with in-band ECC the check bits take the share of every transfer that they
    /// take of the memory (physical − visible).
    /// </summary>
    public double DataBandwidthGbps => InbandEcc && PhysicalVramMib > VramMib
        ? HbmBandwidthGbps * VramMib / PhysicalVramMib
        : HbmBandwidthGbps;

    /// <summary>Dense FP16/BF16 tensor-core throughput in TFLOP/s (no sparsity).</summary>
    public double Fp16TensorTflops { get; init; }

    public double Int8TensorTops { get; init; }

    public double Fp8TensorTflops { get; init; }

    public double Fp4TensorTflops { get; init; }

    public int PcieGen { get; init; }

    public int PcieLanes { get; init; }

    /// <summary>Total bidirectional NVLink bandwidth per GPU in GB/s; 0 when the GPU has none.</summary>
    public double NvlinkGbps { get; init; }

    /// <summary>Board power limit in W, as nvidia-smi's power.limit reports it by default.</summary>
    public double PowerLimitW { get; init; }

    /// <summary>Power drawn with nothing running (P0, no process), W.</summary>
    public double IdlePowerW { get; init; }

    /// <summary>GPU temperature with nothing running, °C.</summary>
    public double IdleTemperatureC { get; init; }

    /// <summary>GPU temperature at the power limit, °C (the cooling holds it there).</summary>
    public double FullLoadTemperatureC { get; init; }

    /// <summary>Highest SM clock the GPU boosts to, MHz.</summary>
    public double MaxSmClockMhz { get; init; }

    /// <summary>SM clock with nothing running, MHz.</summary>
    public double IdleSmClockMhz { get; init; }

    public double VramGb => VramMib * 1024.0 * 1024.0 / 1e9;

    public long VramBytes => VramMib * 1024L * 1024L;

    /// <summary>
    /// One-direction PCIe bandwidth in GB/s from generation and width (Gen1 0.25 GB/s per lane, doubling per
    /// generation), before protocol overhead.
    /// </summary>
    public double PcieGbps => PcieGen <= 0 ? 0 : 0.25 * Math.Pow(2, PcieGen - 1) * PcieLanes * 0.985;
}
