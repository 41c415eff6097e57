using System.Globalization;
using System.Net.Http.Json;
using GpuBench.Core.Contracts;
using GpuBench.Core.Hardware;
using GpuBench.Simulator.Tests.Api;

namespace GpuBench.Simulator.Tests.Metrics;

/// <summary>The simulated GPUs feed every figure the agent reads from nvidia-smi on real ones.</summary>
public class SimulatedGpuTelemetryTests
{
    private const string Model = "meta-llama/Llama-3.1-8B-Instruct";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<Dictionary<(string Name, int Gpu), double>> ScrapeAsync(SimulatorServer server)
    {
        var text = await server.Client.GetStringAsync("/metrics", Cancel);
        return text.Split('\n')
            .Where(line => line.StartsWith("gpubench:sim_gpu_", StringComparison.Ordinal))
            .Select(line =>
            {
                var name = line[..line.IndexOf('{', StringComparison.Ordinal)];
                var gpu = int.Parse(line.Split('"')[1], CultureInfo.InvariantCulture);
                return (Key: (name, gpu), Value: double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
            })
            .ToDictionary(x => x.Key, x => x.Value);
    }

    [Fact]
    public async Task Busy_pipeline_gpus_draw_power_heat_up_boost_and_hand_over_activations_over_pcie()
    {
        var gpu = GpuCatalog.Default.Get("rtx4090");
        await using var server = await SimulatorServer.StartAsync("serve", Model, "--sim-gpu", "rtx4090", "--pipeline-parallel-size", "2", "--max-model-len", "2048");
        var idle = await ScrapeAsync(server);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => server.Client.PostAsJsonAsync(
            "/v1/completions", new { model = Model, prompt = string.Concat(Enumerable.Repeat(" ka", 400)), max_tokens = 60, ignore_eos = true }, Cancel)));
        var busy = await ScrapeAsync(server);
        await Task.Delay(300, Cancel);
        var after = await ScrapeAsync(server);

        foreach (var name in new[] { SimulatedGpuMetrics.UtilizationPercent, SimulatedGpuMetrics.MemoryUsedMib, SimulatedGpuMetrics.PowerWatts,
            SimulatedGpuMetrics.TemperatureCelsius, SimulatedGpuMetrics.SmClockMhz, SimulatedGpuMetrics.PcieRxMBps, SimulatedGpuMetrics.PcieTxMBps })
        {
            Assert.True(idle.ContainsKey((name, 0)) && idle.ContainsKey((name, 1)), $"{name} for both GPUs of the pipeline");
        }

        Assert.Equal((gpu.IdlePowerW, gpu.IdleTemperatureC, gpu.IdleSmClockMhz), (idle[(SimulatedGpuMetrics.PowerWatts, 0)], idle[(SimulatedGpuMetrics.TemperatureCelsius, 0)], idle[(SimulatedGpuMetrics.SmClockMhz, 0)]));
        for (var i = 0; i < 2; i++)
        {
            Assert.InRange(busy[(SimulatedGpuMetrics.UtilizationPercent, i)], 5, 100);
            Assert.InRange(busy[(SimulatedGpuMetrics.PowerWatts, i)], gpu.IdlePowerW + 10, gpu.PowerLimitW);
            Assert.True(busy[(SimulatedGpuMetrics.TemperatureCelsius, i)] > gpu.IdleTemperatureC);
            Assert.True(busy[(SimulatedGpuMetrics.SmClockMhz, i)] > gpu.IdleSmClockMhz);
            Assert.Equal(gpu.IdlePowerW, after[(SimulatedGpuMetrics.PowerWatts, i)]);
        }

        // Stage 0 sends the activations, stage 1 receives them: RTX 4090s have no NVLink.
        Assert.True(busy[(SimulatedGpuMetrics.PcieTxMBps, 0)] > 0 && busy[(SimulatedGpuMetrics.PcieRxMBps, 1)] > 0);
        Assert.Equal((0, 0), (busy[(SimulatedGpuMetrics.PcieRxMBps, 0)], busy[(SimulatedGpuMetrics.PcieTxMBps, 1)]));
        Assert.Equal((0, 0), (after[(SimulatedGpuMetrics.PcieTxMBps, 0)], after[(SimulatedGpuMetrics.PcieRxMBps, 1)]));
    }
}
