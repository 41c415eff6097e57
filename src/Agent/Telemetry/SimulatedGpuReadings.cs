using System.Globalization;
using GpuBench.Core.Contracts;
using GpuBench.Core.Prometheus;

namespace GpuBench.Agent.Telemetry;

/// <summary>Turns the simulator's per-GPU gauges (<see cref="SimulatedGpuMetrics"/>) into GPU samples.</summary>
public static class SimulatedGpuReadings
{
    public static IReadOnlyList<GpuSample> Read(IReadOnlyList<PrometheusSample> samples, DateTimeOffset at)
    {
        var byGpu = samples
            .Where(s => s.Name.StartsWith("gpubench:sim_gpu_", StringComparison.Ordinal)
                && s.Labels.TryGetValue(SimulatedGpuMetrics.GpuLabel, out var gpu)
                && int.TryParse(gpu, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            .GroupBy(s => int.Parse(s.Labels[SimulatedGpuMetrics.GpuLabel], CultureInfo.InvariantCulture));
        return byGpu
            .Select(g =>
            {
                double? Value(string name) => g.FirstOrDefault(s => s.Name == name)?.Value;
                return new GpuSample(at, g.Key,
                    Value(SimulatedGpuMetrics.UtilizationPercent),
                    Value(SimulatedGpuMetrics.MemoryUsedMib),
                    Value(SimulatedGpuMetrics.PowerWatts),
                    Value(SimulatedGpuMetrics.TemperatureCelsius),
                    Value(SimulatedGpuMetrics.SmClockMhz),
                    Value(SimulatedGpuMetrics.PcieRxMBps),
                    Value(SimulatedGpuMetrics.PcieTxMBps));
            })
            .OrderBy(s => s.Gpu)
            .ToArray();
    }
}
