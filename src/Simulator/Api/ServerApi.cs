using System.Text.Json;
using GpuBench.Simulator.Metrics;
using GpuBench.Simulator.Serving;

namespace GpuBench.Simulator.Api;

/// <summary>vLLM's non-generation endpoints: /v1/models, /tokenize, /detokenize, /metrics, plus /sim/stats.</summary>
public static class ServerApi
{
    public static IEndpointRouteBuilder MapServerApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", (ServedModel model) => Results.Json(new
        {
            @object = "list",
            data = new[] { model.Name }.Concat(model.Options.ServedModelNames.Skip(1)).Select(name => new
            {
                id = name,
                @object = "model",
                created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                owned_by = "vllm",
                root = model.Options.Model,
                parent = (string?)null,
                max_model_len = model.Settings.MaxModelLen,
            }),
        }));

        app.MapPost("/tokenize", (HttpContext context, ServedModel model) => WithBody(context, model, body =>
        {
            var ids = body.TryGetProperty("messages", out _)
                ? CompletionRequest.ChatPrompt(body, model.Tokenizer)
                : CompletionRequest.TextPrompt(body, model.Tokenizer);
            return Results.Json(new { count = ids.Count, max_model_len = model.Settings.MaxModelLen, tokens = ids, token_strs = (string[]?)null });
        }));

        app.MapPost("/detokenize", (HttpContext context, ServedModel model) => WithBody(context, model, body =>
        {
            if (!body.TryGetProperty("tokens", out var tokens) || tokens.ValueKind != JsonValueKind.Array)
            {
                throw ApiException.BadRequest("tokens must be a list of token ids.", "tokens");
            }

            var ids = tokens.EnumerateArray().Select(t => t.TryGetInt32(out var id) && model.Tokenizer.IsValid(id)
                ? id
                : throw ApiException.BadRequest($"Token id {t} is out of vocabulary [0, {model.Tokenizer.VocabSize}).", "tokens")).ToList();
            return Results.Json(new { prompt = model.Tokenizer.Decode(ids) });
        }));

        app.MapGet("/metrics", (VllmMetrics metrics) => Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
        app.MapGet("/sim/stats", (EmissionStats emission, RealTimeEngine engine, ServedModel model) => Results.Json(new
        {
            gpu = model.Gpu.Id,
            model = model.Profile.Id,
            exact_profile = model.ProfileIsExact,
            kv_capacity_tokens = model.Replica.KvCapacityTokens,
            steps = engine.Cores.Sum(c => c.StepsCompleted),
            data_parallel = engine.Cores.Count,
            uptime_seconds = engine.Now,
            cpu_seconds = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
            emission = emission.Snapshot(),
        }));
        return app;
    }

    private static async Task<IResult> WithBody(HttpContext context, ServedModel model, Func<JsonElement, IResult> handle)
    {
        try
        {
            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            }
            catch (JsonException error)
            {
                throw ApiException.BadRequest($"Malformed JSON body: {error.Message}");
            }

            using (document)
            {
                var body = document.RootElement;
                if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("model", out var name)
                    && name.ValueKind == JsonValueKind.String && !model.Options.Serves(name.GetString()))
                {
                    throw ApiException.NotFound($"The model `{name.GetString()}` does not exist.");
                }

                return handle(body);
            }
        }
        catch (ApiException error)
        {
            return new ErrorResult(error);
        }
    }

    private sealed class ErrorResult(ApiException error) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => error.WriteAsync(httpContext.Response, httpContext.RequestAborted);
    }
}
