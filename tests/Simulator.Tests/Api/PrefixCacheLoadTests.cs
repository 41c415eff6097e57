using GpuBench.LoadGen.Http;
using GpuBench.LoadGen.Options;
using GpuBench.LoadGen.Running;
using GpuBench.LoadGen.Telemetry;

namespace GpuBench.Simulator.Tests.Api;

/// <summary>The load generator's prefix_repetition dataset against the simulator: the run's prefix-cache hits, by hand.</summary>
public class PrefixCacheLoadTests
{
    private const string Model = "meta-llama/Llama-3.1-8B-Instruct";

    [Fact]
    public async Task Shared_prefixes_hit_the_cache_and_the_run_reports_its_hit_rate()
    {
        await using var server = await SimulatorServer.StartAsync("serve", Model, "--sim-gpu", "h200", "--max-model-len", "2048");
        using var http = LoadHttpClient.Create();
        using var telemetry = new LoadGenTelemetry();
        var baseUrl = server.Client.BaseAddress!;

        // 8 prompts over 2 prefixes of 256 tokens (16 full blocks) with suffixes of 64, one at a time, completions (no
        // template tokens): each prefix is computed once and found cached by its 3 other prompts.
        var result = await new LoadRunner(http, telemetry).RunAsync(new LoadOptions
        {
            BaseUrl = baseUrl,
            Model = Model,
            Backend = Backend.OpenAI,
            Endpoint = "/v1/completions",
            NumPrompts = 8,
            MaxConcurrency = 1,
            Dataset = new DatasetOptions
            {
                Name = DatasetOptions.PrefixRepetition,
                PrefixRepetitionPrefixLen = 256,
                PrefixRepetitionSuffixLen = 64,
                PrefixRepetitionNumPrefixes = 2,
                PrefixRepetitionOutputLen = 4,
            },
            EngineMetricsUrls = [new Uri(baseUrl, "/metrics")],
        }, null, TestContext.Current.CancellationToken);

        var cache = result.Metrics.GpuBench!.PrefixCache!;
        Assert.Equal(8, result.Metrics.Completed);
        Assert.Equal(8 * 320, cache.Queries);
        Assert.Equal(2 * 3 * 256, cache.Hits);
        Assert.Equal(0.6, cache.HitRate, 6);
    }
}
