namespace GpuBench.Agent.Telemetry;

/// <summary>One reading of one GPU. Missing figures (not reported by this GPU or tool) are null.</summary>
public sealed record GpuSample(
    DateTimeOffset At,
    int Gpu,
    double? UtilizationPercent,
    double? MemoryUsedMib,
    double? PowerWatts,
    double? TemperatureCelsius,
    double? SmClockMhz,
    double? PcieRxMBps,
    double? PcieTxMBps)
{
    /// <summary>The figures by metric name and unit, as summarised and exported.</summary>
    public IEnumerable<(string Name, string Unit, double Value)> Figures()
    {
        (string, string, double?)[] all =
        [
            ("gpu.utilization", "%", UtilizationPercent),
            ("gpu.memory.used", "MiB", MemoryUsedMib),
            ("gpu.power", "W", PowerWatts),
            ("gpu.temperature", "Cel", TemperatureCelsius),
            ("gpu.clock.sm", "MHz", SmClockMhz),
            ("gpu.pcie.rx", "MB/s", PcieRxMBps),
            ("gpu.pcie.tx", "MB/s", PcieTxMBps),
        ];
        return all.Where(f => f.Item3 is not null).Select(f => (f.Item1, f.Item2, f.Item3!.Value));
    }
}
