using System.Net.Http.Json;

namespace GpuBench.Simulator.Tests.Api;

public class PrefixCacheMetricsTests
{
    private const string Model = "meta-llama/Llama-3.1-8B-Instruct";

    [Fact]
    public async Task Metrics_count_prefix_cache_queries_and_hits_in_tokens()
    {
        await using var server = await SimulatorServer.StartAsync("serve", Model, "--sim-gpu", "h200", "--max-model-len", "2048");
        var cancel = TestContext.Current.CancellationToken;
        int[] prompt = [.. Enumerable.Range(300, 100)];

        // One after the other: the second finds the first's six full blocks (96 tokens) cached.
        foreach (var _ in new[] { 1, 2 })
        {
            (await server.Client.PostAsJsonAsync("/v1/completions", new { model = Model, prompt, max_tokens = 3, ignore_eos = true }, cancel)).EnsureSuccessStatusCode();
        }

        var metrics = await server.Client.GetStringAsync("/metrics", cancel);
        Assert.Contains($"vllm:prefix_cache_queries_total{{engine=\"0\",model_name=\"{Model}\"}} 200", metrics, StringComparison.Ordinal);
        Assert.Contains($"vllm:prefix_cache_hits_total{{engine=\"0\",model_name=\"{Model}\"}} 96", metrics, StringComparison.Ordinal);
    }
}
