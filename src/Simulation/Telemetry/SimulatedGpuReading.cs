using GpuBench.Core.Hardware;

namespace GpuBench.Simulation.Telemetry;

/// <summary>
/// What nvidia-smi would report for one simulated GPU over a sampling interval, derived from the share of the
/// interval the performance model kept it busy and from its profile's power, temperature and clock figures.
/// </summary>
/// <remarks>
/// Power rises linearly from idle to the power limit with the busy share (a GPU busy all the time in serving sits
/// at its limit, as the loaded H200 fixture shows: 690 of 700 W at 96 % SM activity). The temperature follows
/// the power between the idle and full-load readings; the cooling's lag is not modelled. The SM clock is the
/// time average of idling and boosting; throttling at the power limit is not modelled.
/// </remarks>
public sealed record SimulatedGpuReading(
    double UtilizationPercent,
    double MemoryUsedMib,
    double PowerWatts,
    double TemperatureCelsius,
    double SmClockMhz,
    double PcieRxMBps,
    double PcieTxMBps)
{
    /// <param name="gpu">The simulated GPU's profile.</param>
    /// <param name="busyFraction">Share of the interval the GPU computed, 0–1.</param>
    /// <param name="memoryUsedMib">Memory the engine holds on it.</param>
    /// <param name="pcieRxBytesPerSecond">PCIe bytes received per second over the interval.</param>
    /// <param name="pcieTxBytesPerSecond">PCIe bytes sent per second over the interval.</param>
    public static SimulatedGpuReading From(
        GpuProfile gpu, double busyFraction, double memoryUsedMib, double pcieRxBytesPerSecond, double pcieTxBytesPerSecond)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        var busy = Math.Clamp(busyFraction, 0, 1);
        // Power, temperature and clock all move linearly with the busy share, so each is its idle figure plus that share of its range.
        return new SimulatedGpuReading(
            busy * 100,
            memoryUsedMib,
            gpu.IdlePowerW + (gpu.PowerLimitW - gpu.IdlePowerW) * busy,
            gpu.IdleTemperatureC + (gpu.FullLoadTemperatureC - gpu.IdleTemperatureC) * busy,
            gpu.IdleSmClockMhz + (gpu.MaxSmClockMhz - gpu.IdleSmClockMhz) * busy,
            Math.Max(0, pcieRxBytesPerSecond) / 1e6,
            Math.Max(0, pcieTxBytesPerSecond) / 1e6);
    }
}
