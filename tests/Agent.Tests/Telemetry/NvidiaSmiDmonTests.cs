using GpuBench.Agent.Telemetry;
using GpuBench.TestSupport;

namespace GpuBench.Agent.Tests.Telemetry;

public class NvidiaSmiDmonTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 7, 33, 48, TimeSpan.Zero);

    [Fact]
    public void Dmon_of_four_idle_h200s_gives_power_temperature_utilisation_and_clock_per_gpu()
    {
        var dmon = new NvidiaSmiDmon();
        var samples = File.ReadAllLines(Fixtures.PathOf("nvidia-smi", "h200x4", "dmon.txt"))
            .Select(line => dmon.Read(line, At))
            .OfType<GpuSample>()
            .ToArray();

        Assert.Equal(12, samples.Length);
        Assert.Equal([0, 1, 2, 3], samples.Take(4).Select(s => s.Gpu));
        var gpu2 = samples[2];
        Assert.Equal(76, gpu2.PowerWatts);
        Assert.Equal(34, gpu2.TemperatureCelsius);
        Assert.Equal(0, gpu2.UtilizationPercent);
        Assert.Equal(345, gpu2.SmClockMhz);
        // The default dmon columns have no framebuffer or PCIe figures.
        Assert.Null(gpu2.MemoryUsedMib);
        Assert.Null(gpu2.PcieRxMBps);
    }

    [Fact]
    public void Dmon_columns_come_from_the_header_so_memory_and_pcie_are_read_when_asked_for()
    {
        var dmon = new NvidiaSmiDmon();
        string[] lines =
        [
            "# gpu    pwr  gtemp  mtemp     sm    mem    enc    dec    jpg    ofa   mclk   pclk     fb   bar1   ccpm  rxpci  txpci ",
            "# Idx      W      C      C      %      %      %      %      %      %    MHz    MHz     MB     MB     MB   MB/s   MB/s ",
            "    1    612     61     70     97     83      0      0      0      0   3201   1980 131072      5      0   4512    -   ",
        ];

        var sample = Assert.Single(lines.Select(l => dmon.Read(l, At)).OfType<GpuSample>());

        Assert.Equal(1, sample.Gpu);
        Assert.Equal(612, sample.PowerWatts);
        Assert.Equal(97, sample.UtilizationPercent);
        Assert.Equal(131072, sample.MemoryUsedMib);
        Assert.Equal(1980, sample.SmClockMhz);
        Assert.Equal(4512, sample.PcieRxMBps);
        Assert.Null(sample.PcieTxMBps);
    }

    [Fact]
    public void Dmon_of_two_loaded_h200s_reads_power_utilisation_memory_and_pcie_per_gpu()
    {
        // Recorded on a 2×H200 box while a bf16 matrix product loop kept both GPUs busy.
        var dmon = new NvidiaSmiDmon();
        var samples = File.ReadAllLines(Fixtures.PathOf("nvidia-smi", "h200x2-loaded", "dmon-pucmt.txt"))
            .Select(line => dmon.Read(line, At))
            .OfType<GpuSample>()
            .ToArray();

        Assert.Equal(16, samples.Length);
        Assert.Equal([0, 1], samples.Take(2).Select(s => s.Gpu));
        var first = samples[0];
        Assert.Equal(690, first.PowerWatts);
        Assert.Equal(96, first.UtilizationPercent);
        Assert.Equal(883, first.MemoryUsedMib);
        Assert.Equal(1605, first.SmClockMhz);
        Assert.Equal(2, first.PcieRxMBps);
        Assert.Equal(1, first.PcieTxMBps);
        Assert.All(samples, s => Assert.True(s.UtilizationPercent > 50, $"GPU {s.Gpu} at {s.UtilizationPercent}%"));
    }
}
