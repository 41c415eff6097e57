using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GpuBench.Simulation.Engine;
using GpuBench.Simulator.Metrics;
using GpuBench.Simulator.Serving;
using GpuBench.Simulator.Tracing;

namespace GpuBench.Simulator.Api;

/// <summary>/v1/chat/completions and /v1/completions, streaming (SSE, chunks shaped as vLLM's) or not.</summary>
public static class CompletionsApi
{
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public static IEndpointRouteBuilder MapCompletionsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/chat/completions", (HttpContext context, CompletionServices services) => HandleAsync(context, services, chat: true));
        app.MapPost("/v1/completions", (HttpContext context, CompletionServices services) => HandleAsync(context, services, chat: false));
        return app;
    }

    private static async Task HandleAsync(HttpContext context, CompletionServices services, bool chat)
    {
        var cancellationToken = context.RequestAborted;
        CompletionRequest request;
        try
        {
            request = await ParseAsync(context, services.Model, chat, cancellationToken);
        }
        catch (ApiException error)
        {
            await error.WriteAsync(context.Response, cancellationToken);
            return;
        }

        var model = services.Model;
        var seed = ServedModel.SeedOf(request.PromptIds);
        var maxTokens = request.MaxTokens ?? model.Settings.MaxModelLen - request.PromptIds.Count;
        var id = (chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N");
        var engineRequest = new EngineRequest(id, request.PromptIds.Count, maxTokens, model.StopAfter(seed, request.IgnoreEos, request.MinTokens), request.PromptIds);
        var live = new LiveRequest(engineRequest, seed);
        var activity = RequestTracing.Start(context, id);
        var written = services.GroundTruth is null ? null : new List<double>(Math.Min(maxTokens, 4096));
        var scheduled = services.GroundTruth is null ? null : new List<double>(Math.Min(maxTokens, 4096));
        services.Engine.Submit(live);
        await using var abort = cancellationToken.Register(() => services.Engine.Abort(live));
        try
        {
            var format = new ChunkFormat(id, model.Name, chat, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            if (request.Stream)
            {
                await StreamAsync(context.Response, live, request, format, services, scheduled, written, cancellationToken);
            }
            else
            {
                await RespondAsync(context.Response, live, format, services, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; the engine was told to drop the request.
        }
        finally
        {
            RequestTracing.Finish(activity, model, services.Engine, engineRequest);
            if (scheduled is not null && written is not null)
            {
                services.GroundTruth!.Record(id, engineRequest.ArrivalTime, scheduled, written);
            }
        }
    }

    private static async Task<CompletionRequest> ParseAsync(HttpContext context, ServedModel model, bool chat, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException error)
        {
            throw ApiException.BadRequest($"Malformed JSON body: {error.Message}");
        }

        using (document)
        {
            var request = CompletionRequest.Parse(document.RootElement, chat, model.Tokenizer);
            if (!model.Options.Serves(request.Model))
            {
                throw ApiException.NotFound($"The model `{request.Model}` does not exist.");
            }

            var prompt = request.PromptIds.Count;
            var maxLen = model.Settings.MaxModelLen;
            if (prompt >= maxLen || prompt + (request.MaxTokens ?? 0) > maxLen)
            {
                throw ApiException.BadRequest(
                    $"This model's maximum context length is {maxLen} tokens. However, you requested "
                    + $"{prompt + (request.MaxTokens ?? 0)} tokens ({prompt} in the messages, {request.MaxTokens ?? 0} in the completion). "
                    + "Please reduce the length of the messages or completion.");
            }

            return request;
        }
    }

    private static async Task StreamAsync(
        HttpResponse response, LiveRequest live, CompletionRequest request, ChunkFormat format, CompletionServices services,
        List<double>? scheduled, List<double>? written, CancellationToken cancellationToken)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(cancellationToken);
        var body = response.BodyWriter;
        var model = services.Model;
        var dueTimes = new List<double>(8);
        var prompt = live.Engine.PromptTokens;

        while (await live.Tokens.WaitToReadAsync(cancellationToken))
        {
            dueTimes.Clear();
            while (live.Tokens.TryRead(out var token))
            {
                if (token.TokenIndex == 0 && format.Chat)
                {
                    format.WriteRole(body);
                }

                var usage = request.ContinuousUsage ? (prompt, token.TokenIndex + 1) : ((int, int)?)null;
                format.WriteToken(body, model.JsonTokenAt(live.Seed, token.TokenIndex),
                    token.Finished ? VllmMetrics.Reason(live.Engine.FinishReason) : null, usage);
                dueTimes.Add(token.Time);
            }

            await body.FlushAsync(cancellationToken);
            var now = services.Engine.Now;
            foreach (var due in dueTimes)
            {
                services.Emission.Record(now - due);
                scheduled?.Add(due);
                written?.Add(now);
            }
        }

        if (live.Engine.FinishReason is FinishReason.Aborted or FinishReason.None)
        {
            return;
        }

        if (request.IncludeUsage)
        {
            format.WriteUsage(body, prompt, live.Engine.OutputTokens);
        }

        body.Write(Done);
        await body.FlushAsync(cancellationToken);
    }

    private static async Task RespondAsync(HttpResponse response, LiveRequest live, ChunkFormat format, CompletionServices services, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var model = services.Model;
        await foreach (var token in live.Tokens.ReadAllAsync(cancellationToken))
        {
            text.Append(model.Tokenizer.Decode(model.TokenAt(live.Seed, token.TokenIndex)));
        }

        var request = live.Engine;
        var usage = new Usage(request.PromptTokens, request.PromptTokens + request.OutputTokens, request.OutputTokens);
        var reason = VllmMetrics.Reason(request.FinishReason);
        object payload = format.Chat
            ? new ChatCompletion(format.Id, "chat.completion", format.Created, format.Model,
                [new ChatChoice(0, new ChatMessage("assistant", text.ToString()), null, reason, null)], usage)
            : new TextCompletion(format.Id, "text_completion", format.Created, format.Model,
                [new TextChoice(0, text.ToString(), null, reason, null)], usage);
        response.ContentType = "application/json";
        await response.WriteAsync(JsonSerializer.Serialize(payload, ApiJson.Options), cancellationToken);
    }

    private sealed record Usage(int PromptTokens, int TotalTokens, int CompletionTokens);

    private sealed record ChatMessage(string Role, string Content);

    private sealed record ChatChoice(int Index, ChatMessage Message, object? Logprobs, string FinishReason, object? StopReason);

    private sealed record ChatCompletion(string Id, string Object, long Created, string Model, ChatChoice[] Choices, Usage Usage);

    private sealed record TextChoice(int Index, string Text, object? Logprobs, string FinishReason, object? StopReason);

    private sealed record TextCompletion(string Id, string Object, long Created, string Model, TextChoice[] Choices, Usage Usage);

    /// <summary>
    /// Pre-encoded pieces of one request's SSE chunks: only the token text and the finish reason vary, so each
    /// chunk is three copies and one escaped string.
    /// </summary>
    private sealed class ChunkFormat
    {
        private readonly byte[] _head;
        private readonly byte[] _contentOpen;
        private readonly byte[] _role;
        private readonly byte[] _plainTail;

        public ChunkFormat(string id, string model, bool chat, long created)
        {
            Id = id;
            Model = model;
            Chat = chat;
            Created = created;
            var kind = chat ? "chat.completion.chunk" : "text_completion";
            var head = $"data: {{\"id\":\"{id}\",\"object\":\"{kind}\",\"created\":{created.ToString(CultureInfo.InvariantCulture)},\"model\":{JsonSerializer.Serialize(model)},";
            _head = Encoding.UTF8.GetBytes(head);
            _contentOpen = chat ? "\"choices\":[{\"index\":0,\"delta\":{\"content\":"u8.ToArray() : "\"choices\":[{\"index\":0,\"text\":"u8.ToArray();
            _role = Encoding.UTF8.GetBytes(head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
            _plainTail = Encoding.UTF8.GetBytes(Tail(null, null));
        }

        public string Id { get; }
        public string Model { get; }
        public bool Chat { get; }
        public long Created { get; }

        public void WriteRole(IBufferWriter<byte> body) => body.Write(_role);

        /// <summary>Writes one token's chunk; <paramref name="jsonText"/> is the token as a JSON string literal.</summary>
        public void WriteToken(IBufferWriter<byte> body, ReadOnlySpan<byte> jsonText, string? finishReason, (int Prompt, int Completion)? usage)
        {
            body.Write(_head);
            body.Write(_contentOpen);
            body.Write(jsonText);
            body.Write(finishReason is null && usage is null ? _plainTail : Encoding.UTF8.GetBytes(Tail(finishReason, usage)));
        }

        private string Tail(string? finishReason, (int Prompt, int Completion)? usage)
        {
            var close = Chat ? "}" : "";
            var reason = finishReason is null ? "null" : $"\"{finishReason}\"";
            return usage is { } u
                ? $"{close},\"logprobs\":null,\"finish_reason\":{reason},\"stop_reason\":null}}],\"usage\":{UsageJson(u.Prompt, u.Completion)}}}\n\n"
                : $"{close},\"logprobs\":null,\"finish_reason\":{reason},\"stop_reason\":null}}]}}\n\n";
        }

        public void WriteUsage(IBufferWriter<byte> body, int prompt, int completion)
        {
            body.Write(_head);
            body.Write(Encoding.UTF8.GetBytes($"\"choices\":[],\"usage\":{UsageJson(prompt, completion)}}}\n\n"));
        }

        private static string UsageJson(int prompt, int completion) =>
            string.Create(CultureInfo.InvariantCulture, $"{{\"prompt_tokens\":{prompt},\"total_tokens\":{prompt + completion},\"completion_tokens\":{completion}}}");
    }
}

/// <summary>What the completion endpoints need, resolved once from DI.</summary>
public sealed record CompletionServices(ServedModel Model, RealTimeEngine Engine, EmissionStats Emission, GroundTruthLog? GroundTruth);
