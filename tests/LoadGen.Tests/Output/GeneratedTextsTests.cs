using System.Text.Json;
using GpuBench.Core.Metrics;
using GpuBench.LoadGen.Http;
using GpuBench.LoadGen.Options;
using GpuBench.LoadGen.Output;
using GpuBench.LoadGen.Running;
using GpuBench.LoadGen.Telemetry;
using GpuBench.LoadGen.Tests.Server;

namespace GpuBench.LoadGen.Tests.Output;

/// <summary>
/// vLLM's generated_texts, from the scripted server's stream to the saved JSON: kept only when asked, unescaped,
/// whole characters whatever the reads and events cut, "" for a failed request, absent from requests.jsonl.
/// </summary>
public sealed class GeneratedTextsTests : IAsyncLifetime
{
    /// <summary>Each chunk's text as it sits inside the JSON string on the wire.</summary>
    private static readonly string?[] Chunks =
    [
        null,                   // chat's role-only opening chunk has no content
        """say \"hi\"\n""",
        """caf\u00e9 """,       // escaped é
        """\ud83d""",           // a surrogate pair split over two events
        """\ude00 """,
        "日本語 ",               // raw UTF-8, each line's first character cut in two by the server's writes
        """\\ \/ \t""",
        "🎉",
    ];

    private const string Expected = "say \"hi\"\ncafé 😀 日本語 \\ / \t🎉";

    private static readonly string[] DetailedFields = ["input_lens", "output_lens", "ttfts", "itls", "start_times", "generated_texts", "errors"];

    private ScriptedSseServer _server = null!;
    private readonly HttpClient _http = LoadHttpClient.Create();
    private readonly LoadGenTelemetry _telemetry = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("gpubench-texts-").FullName;

    public async ValueTask InitializeAsync() => _server = await ScriptedSseServer.StartAsync(new Script
    {
        Ttft = TimeSpan.FromMilliseconds(5),
        Itl = TimeSpan.FromMilliseconds(2),
        Contents = Chunks,
        SplitCharacters = true,
    });

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
        _telemetry.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private LoadOptions Options(bool chat, bool keepText) => new()
    {
        BaseUrl = _server.BaseUrl,
        Backend = chat ? Backend.OpenAIChat : Backend.OpenAI,
        Endpoint = chat ? "/v1/chat/completions" : "/v1/completions",
        NumPrompts = 3,
        RandomInputLen = 8,
        RandomOutputLen = 4,
        MaxConcurrency = 1,
        KeepGeneratedText = keepText,
    };

    private Task<LoadResult> RunAsync(LoadOptions options) =>
        new LoadRunner(_http, _telemetry).RunAsync(options, null, TestContext.Current.CancellationToken);

    private async Task<(JsonDocument Json, string[] Lines)> SaveAsync(LoadResult result, bool detailed)
    {
        var written = await ResultFiles.WriteAsync(result, _dir, $"run-{detailed}.json", ["ttft"], new ResultFiles.SaveSettings(Detailed: detailed),
            DateTimeOffset.UnixEpoch, TestContext.Current.CancellationToken);
        var json = JsonDocument.Parse(await File.ReadAllTextAsync(written.Json, TestContext.Current.CancellationToken));
        return (json, await File.ReadAllLinesAsync(written.Requests, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Each_request_keeps_the_concatenated_unescaped_text_of_its_stream(bool chat)
    {
        var result = await RunAsync(Options(chat, keepText: true));

        Assert.Equal(3, result.Metrics.Completed);
        Assert.All(result.Requests, r => Assert.Equal(Expected, r.GeneratedText));
        Assert.All(result.Requests, r => Assert.Equal(Chunks.Length, r.OutputTokens));  // the timings saw every chunk too
    }

    [Fact]
    public async Task Save_detailed_writes_generated_texts_before_errors_with_an_empty_text_for_a_failed_request()
    {
        _server.Script = _server.Script with { BehaviourOf = n => n switch { 1 => Behaviour.ResetMidStream, 2 => Behaviour.Http500, _ => null } };
        var result = await RunAsync(Options(chat: true, keepText: true));
        var reset = Assert.Single(result.Requests, r => r.ErrorKind == RequestErrorKind.Connection);
        Assert.True(reset.TtftS > 0, "three chunks of text had arrived before the reset");
        Assert.Null(reset.GeneratedText);
        Assert.Single(result.Requests, r => r.ErrorKind == RequestErrorKind.Http);

        var (json, lines) = await SaveAsync(result, detailed: true);
        using (json)
        {
            // The client's slot order, not the index, decides which request the server failed.
            var root = json.RootElement;
            Assert.Equal(result.Requests.Select(r => r.Success ? Expected : ""), root.GetProperty("generated_texts").EnumerateArray().Select(t => t.GetString()));
            Assert.Equal(result.Requests.Select(r => r.Success ? "" : r.Error), root.GetProperty("errors").EnumerateArray().Select(t => t.GetString()));
            Assert.Equal(DetailedFields, root.EnumerateObject().Select(p => p.Name).Where(n => DetailedFields.Contains(n)));
        }

        // requests.jsonl stays one compact line of timings and counts per request, text or not.
        Assert.Equal(3, lines.Length);
        Assert.All(lines, line => Assert.DoesNotContain("generated", line, StringComparison.Ordinal));
        Assert.All(lines, line => Assert.DoesNotContain("say", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_save_detailed_no_text_is_kept_or_written()
    {
        var result = await RunAsync(Options(chat: true, keepText: false));

        Assert.Equal(3, result.Metrics.Completed);
        Assert.All(result.Requests, r => Assert.Null(r.GeneratedText));
        var (json, lines) = await SaveAsync(result, detailed: false);
        using (json)
        {
            Assert.False(json.RootElement.TryGetProperty("generated_texts", out _));
            Assert.DoesNotContain(json.RootElement.EnumerateObject(), p => DetailedFields.Contains(p.Name));
        }

        Assert.All(lines, line => Assert.DoesNotContain("generated", line, StringComparison.Ordinal));
    }
}
