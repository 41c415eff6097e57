using System.Diagnostics;
using GpuBench.Core.Metrics;
using GpuBench.LoadGen.Dataset;
using GpuBench.LoadGen.Http;
using GpuBench.LoadGen.Options;
using GpuBench.LoadGen.Running;
using GpuBench.LoadGen.Telemetry;
using GpuBench.LoadGen.Tests.Server;

namespace GpuBench.LoadGen.Tests.Running;

/// <summary>
/// Multi-turn runs against the scripted server, which answers every request with "tok " tokens: each turn is sent
/// after the previous one's answer and the think time, with the history and the model's own answers, one
/// conversation per concurrency slot.
/// </summary>
public sealed class ConversationRunTests : IAsyncLifetime
{
    private const double ThinkTimeS = 0.2;
    private ScriptedSseServer _server = null!;
    private readonly HttpClient _http = LoadHttpClient.Create();
    private readonly LoadGenTelemetry _telemetry = new();

    public async ValueTask InitializeAsync() => _server = await ScriptedSseServer.StartAsync(new Script { Ttft = TimeSpan.FromMilliseconds(5), Itl = TimeSpan.FromMilliseconds(2) });

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
        _telemetry.Dispose();
    }

    // Two conversations of three turns; turn t asks for t + 2 tokens (the file's answers are never sent).
    private static readonly SampleRequest[] Turns =
    [
        .. Enumerable.Range(0, 2).SelectMany(c => Enumerable.Range(0, 3).Select(t =>
            new SampleRequest(c * 3 + t, $"c{c} q{t}", 10 * (t + 1), t + 2, Conversation: c, Turn: t))),
    ];

    private Task<LoadResult> RunAsync() => new LoadRunner(_http, _telemetry).RunAsync(new LoadOptions
    {
        BaseUrl = _server.BaseUrl,
        Model = ScriptedSseServer.ModelName,
        NumPrompts = 2,
        MaxConcurrency = 1,
        Dataset = new DatasetOptions { Name = DatasetOptions.ShareGpt, Path = "chat.json", MultiTurn = true, ThinkTime = ThinkTimeS },
    }, Turns, null, TestContext.Current.CancellationToken);

    private static string[] Messages(ReceivedRequest request) =>
        [.. request.Body.GetProperty("messages").EnumerateArray().Select(m => $"{m.GetProperty("role").GetString()}: {m.GetProperty("content").GetString()}")];

    [Fact]
    public async Task Turns_go_in_order_with_the_history_the_models_answers_and_the_think_time_one_conversation_per_slot()
    {
        var result = await RunAsync();

        // Either conversation may take the one slot first; the other starts once it has ended, without thinking first.
        var received = _server.Received.OrderBy(r => r.Number).ToArray();
        Assert.Equal(6, received.Length);
        var first = Messages(received[0])[0][^4..^3];
        foreach (var (c, sent) in new[] { (first, received[..3]), (first == "0" ? "1" : "0", received[3..]) })
        {
            Assert.Equal([$"user: c{c} q0"], Messages(sent[0]));
            Assert.Equal([$"user: c{c} q0", "assistant: tok tok ", $"user: c{c} q1", "assistant: tok tok tok ", $"user: c{c} q2"], Messages(sent[2]));
            Assert.Equal([2, 3, 4], sent.Select(r => r.Body.GetProperty("max_completion_tokens").GetInt32()));
        }

        for (var i = 1; i < received.Length; i++)
        {
            var gap = Stopwatch.GetElapsedTime(received[i - 1].Emitted[^1], received[i].Arrived).TotalSeconds;
            Assert.InRange(gap, i == 3 ? 0 : ThinkTimeS - 0.02, i == 3 ? ThinkTimeS : ThinkTimeS + 1);
        }

        Assert.Equal(6, result.Metrics.Completed);
        Assert.Equal(1, result.Metrics.MaxConcurrentRequests);
        Assert.Equal([0, 0, 0, 1, 1, 1], result.Requests.Select(r => r.Conversation!.Value));
        Assert.Equal([0, 1, 2, 0, 1, 2], result.Requests.Select(r => r.Turn!.Value));
        Assert.All(result.Requests, r => Assert.Null(r.GeneratedText));
        var turns = result.Metrics.GpuBench!.Turns!;
        Assert.Equal([0, 1, 2], turns.Select(t => t.Turn));
        Assert.All(turns, t => Assert.Equal(2, t.Completed));
        Assert.Equal([2.0, 3.0, 4.0], turns.Select(t => t.MeanOutputTokens));
    }

    [Fact]
    public async Task A_failed_turn_ends_its_conversation_and_the_next_one_still_runs()
    {
        // The second request to arrive is turn 1 of whichever conversation took the slot first.
        _server.Script = _server.Script with { BehaviourOf = n => n == 1 ? Behaviour.Http500 : null };

        var result = await RunAsync();

        Assert.Equal(5, _server.Received.Count);
        var failed = result.Requests.Single(r => r.ErrorKind == RequestErrorKind.Http);
        Assert.Equal(1, failed.Turn);
        var conversation = result.Requests.Where(r => r.Conversation == failed.Conversation).ToArray();
        Assert.Equal([true, false, false], conversation.Select(r => r.Success));
        Assert.Equal(RequestErrorKind.Cancelled, conversation[2].ErrorKind);
        Assert.Equal("turn 1 of the conversation failed, so its later turns were not sent", conversation[2].Error);
        Assert.All(result.Requests.Where(r => r.Conversation != failed.Conversation), r => Assert.True(r.Success));
        Assert.Equal([2, 1, 1], result.Metrics.GpuBench!.Turns!.Select(t => t.Completed));
    }

    [Fact]
    public void Multi_turn_is_a_chat_replay_of_sharegpt_only()
    {
        var options = new LoadOptions
        {
            BaseUrl = _server.BaseUrl,
            Backend = Backend.OpenAI,
            Dataset = new DatasetOptions { Name = DatasetOptions.Custom, Path = "p.jsonl", MultiTurn = true, ThinkTime = -1 },
        };

        Assert.Equal(
        [
            "--multi-turn sends each turn with its history as chat messages: use --backend openai-chat.",
            "--multi-turn replays ShareGPT conversations turn by turn: use it with --dataset-name sharegpt, not custom.",
            "--think-time must be a number of seconds, 0 or more.",
        ], options.Validate());
        Assert.Equal(["--think-time is the pause between the turns of a conversation: add --multi-turn."],
            (options.Dataset with { Name = DatasetOptions.ShareGpt, MultiTurn = false, ThinkTime = 1 }).Validate());
    }
}
