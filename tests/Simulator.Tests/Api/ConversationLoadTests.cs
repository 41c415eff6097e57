using System.Text.Json;
using GpuBench.LoadGen.Http;
using GpuBench.LoadGen.Options;
using GpuBench.LoadGen.Running;
using GpuBench.LoadGen.Telemetry;

namespace GpuBench.Simulator.Tests.Api;

/// <summary>
/// Multi-turn conversations from a file written here, replayed by the load generator against the simulator: every turn
/// carries the history with the model's own answers, so it starts with the previous turn's whole prompt, which the
/// engine finds in its prefix cache. Lengths and hits worked out by hand.
/// </summary>
public sealed class ConversationLoadTests : IDisposable
{
    private const string Model = "meta-llama/Llama-3.1-8B-Instruct";
    private readonly string _folder = Directory.CreateTempSubdirectory("gpubench-conversations-").FullName;

    /// <summary>40 one-syllable words (" ba", " be", …), each one token of the simulator's tokenizer.</summary>
    private static string Words(int from) =>
        string.Concat(Enumerable.Range(from, 40).Select(i => $" {"bcdfghjklmnprstvwz"[i / 5 % 18]}{"aeiou"[i % 5]}"));

    [Fact]
    public async Task Each_turn_carries_the_models_answers_and_finds_the_previous_turn_in_the_prefix_cache()
    {
        // Two conversations of three questions; the file's answers ("x") are never sent: the model answers 20 tokens.
        var path = Path.Combine(_folder, "chat.json");
        File.WriteAllText(path, JsonSerializer.Serialize(Enumerable.Range(0, 2).Select(c => new
        {
            id = $"c{c}",
            conversations = Enumerable.Range(0, 3).SelectMany(t => new[] { new { from = "human", value = Words(c * 45 + t * 7) }, new { from = "gpt", value = "x" } }),
        })));
        await using var server = await SimulatorServer.StartAsync("serve", Model, "--sim-gpu", "h200", "--max-model-len", "2048");
        using var http = LoadHttpClient.Create();
        using var telemetry = new LoadGenTelemetry();
        var baseUrl = server.Client.BaseAddress!;

        var result = await new LoadRunner(http, telemetry).RunAsync(new LoadOptions
        {
            BaseUrl = baseUrl,
            Model = Model,
            NumPrompts = 2,
            MaxConcurrency = 1,
            Dataset = new DatasetOptions { Name = DatasetOptions.ShareGpt, Path = path, SharegptOutputLen = 20, MultiTurn = true, ThinkTime = 0.05 },
            EngineMetricsUrls = [new Uri(baseUrl, "/metrics")],
        }, null, TestContext.Current.CancellationToken);

        // A message is 4 template tokens and its words, the reply opens with 3: turn 0 is 44 + 3 = 47 tokens; turn 1
        // adds the answer (4 + 20) and the question (44): 115; turn 2: 183. The dataset counted the same beforehand.
        Assert.Equal(6, result.Metrics.Completed);
        Assert.Equal([47, 115, 183, 47, 115, 183], result.Requests.Select(r => r.PromptTokens));
        Assert.Equal(2, result.Metrics.GpuBench!.Dataset!.Conversations);
        Assert.Equal([47, 183], new[] { result.Metrics.GpuBench.Dataset.InputLens.Min, result.Metrics.GpuBench.Dataset.InputLens.Max });
        Assert.Equal([47.0, 115.0, 183.0], result.Metrics.GpuBench.Turns!.Select(t => t.MeanInputTokens));

        // Full 16-token blocks of the previous turn's prompt are found: turn 1 finds 2 of turn 0's (32 tokens), turn 2
        // 7 of turn 1's (112); the conversations share nothing. Queries are every prompt's tokens.
        var cache = result.Metrics.GpuBench.PrefixCache!;
        Assert.Equal(2 * (47 + 115 + 183), cache.Queries);
        Assert.Equal(2 * (32 + 112), cache.Hits);
        Assert.Equal(288.0 / 690, cache.HitRate, 6);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
