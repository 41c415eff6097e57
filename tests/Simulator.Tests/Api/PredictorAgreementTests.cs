using System.Diagnostics;
using System.Net.Http.Json;
using GpuBench.Core.Hardware;
using GpuBench.Simulation.Engine;
using GpuBench.Simulation.Prediction;
using GpuBench.Simulation.Profiles;

namespace GpuBench.Simulator.Tests.Api;

/// <summary>The real-time server and the virtual-time predictor run the same engine, so they must agree.</summary>
public class PredictorAgreementTests
{
    private const string Model = "meta-llama/Llama-3.1-8B-Instruct";

    [Fact]
    public async Task Real_time_server_and_predictor_agree_on_request_latency()
    {
        const int requests = 8;
        const int promptTokens = 200;
        const int outputTokens = 40;
        await using var server = await SimulatorServer.StartAsync("serve", Model, "--sim-gpu", "rtx4090", "--max-model-len", "2048");
        var cancel = TestContext.Current.CancellationToken;
        // A prompt of its own per request: identical prompts would share the prefix cache, which the predictor's
        // prompts (lengths without tokens) never do.
        int[] Prompt(int i) => [.. Enumerable.Repeat(300 + i, promptTokens)];
        // Warm-up: the first request pays for JIT compilation and connection setup, not for simulated GPU time.
        await Task.WhenAll(Enumerable.Range(0, requests).Select(_ =>
            server.Client.PostAsJsonAsync("/v1/completions", new { model = Model, prompt = " ka", max_tokens = 2, ignore_eos = true }, cancel)));

        var latencies = await Task.WhenAll(Enumerable.Range(0, requests).Select(async i =>
        {
            var stopwatch = Stopwatch.StartNew();
            var response = await server.Client.PostAsJsonAsync("/v1/completions", new { model = Model, prompt = Prompt(i), max_tokens = outputTokens, ignore_eos = true }, cancel);
            response.EnsureSuccessStatusCode();
            return stopwatch.Elapsed.TotalSeconds;
        }));
        var predicted = new Predictor(GpuCatalog.Default.Get("rtx4090"), ModelCatalog.Default.Get(Model), new EngineOptions { MaxModelLen = 2048 }, 1)
            .Run(new PredictionWorkload { InputLen = promptTokens, OutputLen = outputTokens, NumPrompts = requests, MaxConcurrency = requests }, cancel);

        var measured = latencies.Average();
        var expected = predicted.Requests.Average(r => r.E2e);
        Assert.True(expected > 0.3, $"the predicted run should last long enough to compare ({expected:F3} s)");
        // Generous: HTTP and a loaded shared CPU only ever add time, a few tens of milliseconds.
        Assert.InRange(measured, expected * 0.95, expected * 1.3 + 0.1);
    }
}
