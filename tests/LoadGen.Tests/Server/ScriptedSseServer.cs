using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using GpuBench.Core.Tracing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GpuBench.LoadGen.Tests.Server;

/// <summary>How the scripted server answers a completion request.</summary>
public enum Behaviour
{
    Stream,
    Http500,
    MalformedJson,
    ResetMidStream,
    Hang,

    /// <summary>HTTP 200, then one line that never ends.</summary>
    EndlessLine,

    /// <summary>HTTP 500 with a body that never ends.</summary>
    EndlessErrorBody,
}

/// <summary>The script the server follows for every completion request.</summary>
public sealed record Script
{
    public TimeSpan Ttft { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan Itl { get; init; } = TimeSpan.FromMilliseconds(10);

    public int TokensPerChunk { get; init; } = 1;

    /// <summary>Chat template tokens the server adds to the prompt's count, as vLLM's usage does.</summary>
    public int TemplateTokens { get; init; } = 5;

    /// <summary>Behaviour by request number (0-based, in arrival order); Stream when it returns null.</summary>
    public Func<int, Behaviour?> BehaviourOf { get; init; } = _ => Behaviour.Stream;

    public bool SupportsTokenize { get; init; } = true;

    /// <summary>
    /// When set, the text of each chunk, in order, exactly as it goes inside the JSON string (escapes included);
    /// null sends a null content. One chunk per entry, one token each, whatever the request's max tokens.
    /// Otherwise every token is "tok ".
    /// </summary>
    public IReadOnlyList<string?>? Contents { get; init; }

    /// <summary>Write each chunk in two flushed parts, split inside its first multi-byte UTF-8 character.</summary>
    public bool SplitCharacters { get; init; }
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 speaking vLLM's streaming API with scripted timings. It tokenizes by words
/// (a word is a token), and records what it received and when it wrote each chunk (Stopwatch ticks of this process,
/// the same clock the client uses).
/// </summary>
public sealed class ScriptedSseServer : IAsyncDisposable
{
    public const string ModelName = "scripted/model";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, string> _words = new();
    private int _requests;

    private ScriptedSseServer(WebApplication app) => _app = app;

    public Script Script { get; set; } = new();

    public ConcurrentBag<ReceivedRequest> Received { get; } = [];

    /// <summary>Every request's path, and whether it came marked untraced (<see cref="UntracedRequests"/>).</summary>
    public ConcurrentBag<(string Path, bool Untraced)> Requests { get; } = [];

    public Uri BaseUrl => new(_app.Urls.First() + "/");

    public static async Task<ScriptedSseServer> StartAsync(Script? script = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new ScriptedSseServer(builder.Build()) { Script = script ?? new Script() };
        server.Map();
        await server._app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private void Map()
    {
        _app.Use((context, next) =>
        {
            Requests.Add((context.Request.Path.Value ?? "", context.Request.Headers.ContainsKey(UntracedRequests.Header)));
            return next(context);
        });
        _app.MapGet("/v1/models", () => Results.Json(new { data = new[] { new { id = ModelName } } }));
        _app.MapPost("/tokenize", async (HttpContext context) =>
        {
            if (!Script.SupportsTokenize)
            {
                return Results.NotFound();
            }

            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var tokens = Words(body.RootElement.GetProperty("prompt").GetString()!).Select(IdOf).ToArray();
            return Results.Json(new { count = tokens.Length, tokens });
        });
        _app.MapPost("/detokenize", async (HttpContext context) =>
        {
            if (!Script.SupportsTokenize)
            {
                return Results.NotFound();
            }

            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var words = body.RootElement.GetProperty("tokens").EnumerateArray().Select(t => _words[t.GetInt32()]);
            return Results.Json(new { prompt = string.Join(' ', words) });
        });
        _app.MapPost("/v1/chat/completions", context => CompleteAsync(context, chat: true));
        _app.MapPost("/v1/completions", context => CompleteAsync(context, chat: false));
    }

    private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private int IdOf(string word) => _ids.GetOrAdd(word, w =>
    {
        var id = w.GetHashCode(StringComparison.Ordinal) & 0x7fffffff;
        _words[id] = w;
        return id;
    });

    private async Task CompleteAsync(HttpContext context, bool chat)
    {
        var arrived = Stopwatch.GetTimestamp();
        var number = Interlocked.Increment(ref _requests) - 1;
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var root = body.RootElement;
        var prompt = chat ? root.GetProperty("messages")[root.GetProperty("messages").GetArrayLength() - 1].GetProperty("content").GetString()! : root.GetProperty("prompt").GetString()!;
        var maxTokens = root.GetProperty(chat ? "max_completion_tokens" : "max_tokens").GetInt32();
        var continuous = root.GetProperty("stream_options").TryGetProperty("continuous_usage_stats", out var c) && c.GetBoolean();
        var script = Script;
        var received = new ReceivedRequest(number, arrived, root.Clone(), context.Request.Headers.TraceParent.ToString(), Words(prompt).Length);
        Received.Add(received);

        var behaviour = script.BehaviourOf(number) ?? Behaviour.Stream;
        if (behaviour == Behaviour.Http500)
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("{\"error\":\"scripted failure\"}");
            return;
        }

        if (behaviour is Behaviour.EndlessLine or Behaviour.EndlessErrorBody)
        {
            await WriteEndlesslyAsync(context, behaviour);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        var promptTokens = Words(prompt).Length + (chat ? script.TemplateTokens : 0);
        var ct = context.RequestAborted;
        await Task.Delay(script.Ttft, ct);
        if (behaviour == Behaviour.Hang)
        {
            await Task.Delay(Timeout.Infinite, ct);
        }

        var sent = 0;
        var chunk = 0;
        var contents = script.Contents;
        while (contents is null ? sent < maxTokens : chunk < contents.Count)
        {
            if (chunk > 0)
            {
                await Task.Delay(script.Itl, ct);
            }

            if (behaviour == Behaviour.ResetMidStream && chunk == 3)
            {
                context.Abort();
                return;
            }

            var n = contents is null ? Math.Min(script.TokensPerChunk, maxTokens - sent) : 1;
            sent += n;
            var text = contents is null ? $"\"{string.Join("", Enumerable.Repeat("tok ", n))}\"" : contents[chunk] is { } piece ? $"\"{piece}\"" : "null";
            var usage = continuous ? $",\"usage\":{{\"prompt_tokens\":{promptTokens},\"completion_tokens\":{sent},\"total_tokens\":{promptTokens + sent}}}" : "";
            var delta = chat ? $"{{\"delta\":{{\"content\":{text}}},\"index\":0}}" : $"{{\"text\":{text},\"index\":0}}";
            var line = behaviour == Behaviour.MalformedJson && chunk == 2
                ? "data: {\"choices\":[{\"delta\": \n\n"
                : $"data: {{\"id\":\"x\",\"choices\":[{delta}]{usage}}}\n\n";
            received.Emitted.Add(Stopwatch.GetTimestamp());
            await WriteLineAsync(context.Response, line, script.SplitCharacters, ct);
            chunk++;
        }

        await context.Response.WriteAsync(
            $"data: {{\"id\":\"x\",\"choices\":[],\"usage\":{{\"prompt_tokens\":{promptTokens},\"completion_tokens\":{sent},\"total_tokens\":{promptTokens + sent}}}}}\n\ndata: [DONE]\n\n", ct);
    }

    /// <summary>Writes "data: xxxx…" (or an error body) until the client goes away; never a newline.</summary>
    private static async Task WriteEndlesslyAsync(HttpContext context, Behaviour behaviour)
    {
        context.Response.StatusCode = behaviour == Behaviour.EndlessErrorBody ? 500 : 200;
        context.Response.ContentType = behaviour == Behaviour.EndlessErrorBody ? "text/plain" : "text/event-stream";
        var block = Encoding.ASCII.GetBytes(new string('x', 64 * 1024));
        try
        {
            await context.Response.WriteAsync("data: ", context.RequestAborted);
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.Body.WriteAsync(block, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client hung up: what the test wants.
        }
    }

    private static async Task WriteLineAsync(HttpResponse response, string line, bool splitCharacters, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var lead = splitCharacters ? Array.FindIndex(bytes, b => b >= 0xC0) : -1;
        if (lead >= 0)
        {
            // The client's read ends between a character's first and second byte.
            await response.Body.WriteAsync(bytes.AsMemory(0, lead + 1), ct);
            await response.Body.FlushAsync(ct);
            await Task.Delay(5, ct);
            bytes = bytes[(lead + 1)..];
        }

        await response.Body.WriteAsync(bytes, ct);
        await response.Body.FlushAsync(ct);
    }
}

/// <summary>One completion request as the server saw it; <see cref="Emitted"/> holds the chunk write times.</summary>
public sealed record ReceivedRequest(int Number, long Arrived, JsonElement Body, string TraceParent, int PromptWords)
{
    public List<long> Emitted { get; } = [];

    public double[] EmittedGapsS() => [.. Emitted.Zip(Emitted.Skip(1), (a, b) => (double)(b - a) / Stopwatch.Frequency)];
}
