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

    [Fact]
    public void A_datasets_requests_are_predicted_with_their_own_lengths_and_a_traces_send_times()
    {
        var result = Predict("h100", new PredictionWorkload
        {
            Requests = [new(100, 10, SendAtS: 0), new(300, 30, SendAtS: 1.0), new(50, 5, SendAtS: 2.5)],
        });

        Assert.Equal([100, 300, 50], result.Requests.Select(r => r.PromptTokens));
        Assert.Equal([10, 30, 5], result.Requests.Select(r => r.OutputTokens));
        Assert.Equal([0, 1.0, 2.5], result.Requests.Select(r => r.Start));
    }

    [Fact]
    public void A_conversations_turns_follow_its_answers_after_the_think_time_in_one_slot_and_find_the_previous_turn_cached()
    {
        // The simulator test's conversations (ConversationLoadTests): prompts of 47, 115 and 183 tokens, answers of 20.
        PredictionRequest[] turns = [.. Enumerable.Range(0, 2).SelectMany(c => new[] { 47, 115, 183 }.Select((input, t) => new PredictionRequest(input, 20, c, t)))];

        var result = Predict("h100", new PredictionWorkload { Requests = turns, MaxConcurrency = 1, ThinkTime = 0.5 });

        var r = result.Requests;
        Assert.Equal([0, 0, 0, 1, 1, 1], r.Select(x => x.Conversation!.Value));
        Assert.Equal(0, r[0].Start);
        Assert.Equal(r[0].EndTime + 0.5, r[1].Start, 9);
        Assert.Equal(r[1].EndTime + 0.5, r[2].Start, 9);
        Assert.Equal(r[2].EndTime, r[3].Start, 9);
        Assert.Equal(r[3].EndTime + 0.5, r[4].Start, 9);

        // As on the simulator: turn 1 finds 2 blocks of turn 0's prompt, turn 2 finds 7 of turn 1's; conversations share nothing.
        Assert.Equal(new Core.Metrics.PrefixCacheSummary(2 * (47 + 115 + 183), 2 * (32 + 112)), result.PrefixCache);
        var metrics = result.Metrics();
        Assert.Equal([0, 1, 2], metrics.GpuBench!.Turns!.Select(t => t.Turn));
        Assert.Equal(result.PrefixCache, metrics.GpuBench.PrefixCache);
    }
}
