namespace GpuBench.Core.Contracts;

/// <summary>
/// The Prometheus gauges through which the simulator reports its simulated GPUs on /metrics, one series per GPU
/// (label <see cref="GpuLabel"/> = the GPU's index as the replica sees it, 0 for the first of its CUDA_VISIBLE_DEVICES;
/// the agent maps it to the box's numbering). The agent reads them where nvidia-smi would be
/// read on real GPUs, so every GPU figure of a simulated run comes from the same model that produced its timings.
/// </summary>
public static class SimulatedGpuMetrics
{
    public const string GpuLabel = "gpu";
    public const string UtilizationPercent = "gpubench:sim_gpu_utilization_percent";
    public const string MemoryUsedMib = "gpubench:sim_gpu_memory_used_mib";
    public const string PowerWatts = "gpubench:sim_gpu_power_watts";
    public const string TemperatureCelsius = "gpubench:sim_gpu_temperature_celsius";
    public const string SmClockMhz = "gpubench:sim_gpu_sm_clock_mhz";
    public const string PcieRxMBps = "gpubench:sim_gpu_pcie_rx_mbps";
    public const string PcieTxMBps = "gpubench:sim_gpu_pcie_tx_mbps";
}
