using System.Globalization;
using System.Net.Http.Json;

namespace GpuBench.Simulator.Tests.Serving;

public class RealTimeEngineTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>
    /// With 16 data-parallel ranks a micro-batch completes every millisecond or so. The engine thread must sleep
    /// between them, not spin: a spinning engine thread keeps a core busy, the core the streams' writes need.
    /// </summary>
    [Fact]
    public async Task The_engine_thread_sleeps_between_micro_batches_instead_of_spinning()
    {
        await using var simulator = await SimulatorProcess.StartAsync("--sim-gpu", "h200", "--sim-gpu-count", "16", "--data-parallel-size", "16");
        // Arrivals spread over 40 ms, so the ranks' micro-batches complete at different moments, as under load.
        var streams = new List<Task>();
        for (var i = 0; i < 32; i++)
        {
            streams.Add(StreamAsync(simulator.Client, i));
            await Task.Delay(TimeSpan.FromMilliseconds(1.25), Cancel);
        }

        await Task.Delay(TimeSpan.FromSeconds(1), Cancel);

        var (cpuBefore, wallBefore) = (EngineThreadCpuSeconds(simulator.Id), DateTime.UtcNow);
        await Task.Delay(TimeSpan.FromSeconds(3), Cancel);
        var share = (EngineThreadCpuSeconds(simulator.Id) - cpuBefore) / (DateTime.UtcNow - wallBefore).TotalSeconds;
        await Task.WhenAll(streams);

        // Its own work (scheduling 32 sequences, handing out their tokens) is a few per cent of a core (6 % on the
        // shared 2-core development machine, where the spinning loop it replaced was on a core 29 % of the time).
        Assert.True(share < 0.15, $"the engine thread was on a core {share:P0} of the time");
    }

    private static async Task StreamAsync(HttpClient client, int index)
    {
        var body = new { model = SimulatorProcess.Model, prompt = $" ka be{index}", max_tokens = 1000, stream = true, ignore_eos = true };
        using var response = await client.PostAsJsonAsync("/v1/completions", body, Cancel);
        await response.Content.ReadAsStringAsync(Cancel);
    }

    /// <summary>User + system time of the process's thread named "simulated-engine" (the kernel keeps 15 characters).</summary>
    private static double EngineThreadCpuSeconds(int pid)
    {
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            if (File.ReadAllText(Path.Combine(task, "comm")).Trim().StartsWith("simulated-eng", StringComparison.Ordinal))
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // Fields 14 and 15 of stat(5), counted from the state (field 3) here.
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                return ticks / 100.0;
            }
        }

        throw new InvalidOperationException($"process {pid} has no simulated-engine thread");
    }
}
