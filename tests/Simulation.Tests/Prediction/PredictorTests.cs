using GpuBench.Core.Hardware;
using GpuBench.Simulation.Engine;
using GpuBench.Simulation.Prediction;
using GpuBench.Simulation.Profiles;

namespace GpuBench.Simulation.Tests.Prediction;

public class PredictorTests
{
    private static readonly ModelProfile Llama8B = ModelCatalog.Default.Get("meta-llama/Llama-3.1-8B-Instruct");

    private static PredictionResult Predict(string gpu, PredictionWorkload workload, int replicas = 1, EngineOptions? options = null) =>
        new Predictor(GpuCatalog.Default.Get(gpu), Llama8B, options ?? new EngineOptions { MaxModelLen = 4096 }, replicas)
            .Run(workload, TestContext.Current.CancellationToken);

    private static readonly PredictionWorkload Small = new() { InputLen = 200, OutputLen = 100, NumPrompts = 60, MaxConcurrency = 20 };

    [Fact]
    public void Rate_infinity_starts_as_many_requests_as_the_concurrency_allows_at_once()
    {
        var result = Predict("h100", Small);

        Assert.Equal(20, result.Requests.Count(r => r.Start == 0));
        Assert.All(result.Requests, r => Assert.Equal(100, r.OutputTokens));
        Assert.All(result.Requests, r => Assert.Equal(100, r.TokenTimes.Count));
        // A request waiting for a slot starts exactly when another one finishes.
        var ends = result.Requests.Select(r => r.EndTime).ToHashSet();
        Assert.All(result.Requests.Where(r => r.Start > 0), r => Assert.Contains(r.Start, ends));
    }

    [Fact]
    public void Prediction_is_deterministic_for_a_seed()
    {
        var workload = Small with { RangeRatio = 0.3, RequestRate = 5, Seed = 7 };

        var first = Predict("l40s", workload);
        var second = Predict("l40s", workload);

        Assert.Equal(first.Requests.Select(r => r.EndTime), second.Requests.Select(r => r.EndTime));
        Assert.NotEqual(1, first.Requests.Select(r => r.PromptTokens).Distinct().Count());
        Assert.True(first.Requests[^1].Start > 5, "60 requests at 5 req/s arrive over about 12 s");
    }

    [Fact]
    public void Faster_memory_gives_more_throughput_and_replicas_add_up()
    {
        var rtx4090 = Predict("rtx4090", Small);
        var h200 = Predict("h200", Small);
        var two4090 = Predict("rtx4090", Small with { NumPrompts = 120, MaxConcurrency = 40 }, replicas: 2);

        Assert.True(h200.Metrics().OutputThroughput > 2 * rtx4090.Metrics().OutputThroughput);
        Assert.InRange(two4090.Metrics().OutputThroughput / rtx4090.Metrics().OutputThroughput, 1.7, 2.3);
    }

    [Fact]
    public void Time_to_first_token_precedes_every_token_and_tokens_are_ordered()
    {
        var result = Predict("a100", Small);

        Assert.All(result.Requests, r =>
        {
            Assert.True(r.Ttft > 0);
            Assert.True(r.InterTokenGaps.All(gap => gap > 0));
        });
        Assert.Equal(result.Requests.Max(r => r.EndTime), result.Duration);
    }
}
