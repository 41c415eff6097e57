using GpuBench.Core.Hardware;
using GpuBench.Simulation.Engine;
using GpuBench.Simulation.Performance;
using GpuBench.Simulation.Profiles;
using GpuBench.Simulation.Telemetry;

namespace GpuBench.Simulation.Tests.Telemetry;

public class SimulatedGpuReadingTests
{
    private static readonly GpuProfile H200 = GpuCatalog.Default.Get("h200");

    [Fact]
    public void An_idle_gpu_reports_the_idle_power_temperature_and_clock_of_its_profile()
    {
        var reading = SimulatedGpuReading.From(H200, busyFraction: 0, memoryUsedMib: 1000, 0, 0);

        // The idle 4xH200 fixture: 76–93 W, 33–35 °C, pclk 345 MHz.
        Assert.Equal((0, 80, 34, 345), (reading.UtilizationPercent, reading.PowerWatts, reading.TemperatureCelsius, reading.SmClockMhz));
        Assert.Equal(1000, reading.MemoryUsedMib);
    }

    [Fact]
    public void A_gpu_busy_all_the_time_draws_its_power_limit_at_its_full_load_temperature()
    {
        var reading = SimulatedGpuReading.From(H200, busyFraction: 1, memoryUsedMib: 0, 0, 0);

        // The loaded H200 fixture: 690 of 700 W at 96 % SM activity, 56–62 °C.
        Assert.Equal((100, 700, 59, 1980), (reading.UtilizationPercent, reading.PowerWatts, reading.TemperatureCelsius, reading.SmClockMhz));
    }

    [Fact]
    public void Power_temperature_and_clock_rise_with_the_busy_share_and_pcie_rates_are_in_megabytes()
    {
        var readings = new[] { 0.1, 0.4, 0.7 }.Select(b => SimulatedGpuReading.From(H200, b, 0, 2e6, 3e6)).ToArray();

        Assert.True(readings.Zip(readings.Skip(1)).All(p =>
            p.First.PowerWatts < p.Second.PowerWatts && p.First.TemperatureCelsius < p.Second.TemperatureCelsius && p.First.SmClockMhz < p.Second.SmClockMhz));
        Assert.Equal(80 + (700 - 80) * 0.4, readings[1].PowerWatts, 6);
        Assert.Equal((2, 3), (readings[0].PcieRxMBps, readings[0].PcieTxMBps));
        Assert.Equal(700, SimulatedGpuReading.From(H200, 3, 0, 0, 0).PowerWatts);
    }

    [Fact]
    public void Every_gpu_profile_has_the_figures_its_telemetry_needs()
    {
        Assert.All(GpuCatalog.Default.All, gpu =>
        {
            Assert.True(gpu.PowerLimitW > gpu.IdlePowerW && gpu.IdlePowerW > 0, $"{gpu.Id}: power limit and idle power");
            Assert.True(gpu.FullLoadTemperatureC > gpu.IdleTemperatureC && gpu.IdleTemperatureC > 0, $"{gpu.Id}: temperatures");
            Assert.True(gpu.MaxSmClockMhz > gpu.IdleSmClockMhz && gpu.IdleSmClockMhz > 0, $"{gpu.Id}: SM clocks");
        });
    }

    [Theory]
    [InlineData("rtx4090", true)]
    [InlineData("h100", false)]
    public void Pipeline_hand_overs_are_pcie_traffic_only_without_nvlink(string gpuId, bool overPcie)
    {
        var gpu = GpuCatalog.Default.Get(gpuId);
        var model = ModelCatalog.Default.Get("meta-llama/Llama-3.1-8B-Instruct");
        var engine = new EngineCore(new ReplicaModel(gpu, model, new EngineOptions { PipelineParallel = 2, MaxModelLen = 2048 }.Resolve(gpu, model)));
        engine.Add(new EngineRequest("a", 500, 20), 0);
        var outputs = new List<TokenOutput>();
        engine.Advance(0, outputs);
        while (engine.NextEventTime is { } next)
        {
            engine.Advance(next, outputs);
        }

        Assert.Equal(20, outputs.Count);
        // 519 tokens computed (the prompt, then 19 decode steps), each handing 2 × hidden × 2 bytes (hidden states and residual) from stage 0 to stage 1.
        var expected = overPcie ? (500 + 19) * 2.0 * model.HiddenSize * 2 : 0;
        Assert.Equal(expected, engine.StagePcieTxBytes(0), 6);
        Assert.Equal(expected, engine.StagePcieRxBytes(1), 6);
        Assert.Equal((0, 0), (engine.StagePcieRxBytes(0), engine.StagePcieTxBytes(1)));
    }
}
