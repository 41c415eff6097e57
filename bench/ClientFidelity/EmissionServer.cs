using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace GpuBench.Bench.ClientFidelity;

/// <summary>
/// An OpenAI-style chat streaming server that records, for every request, the Stopwatch timestamp (the host's
/// CLOCK_MONOTONIC, shared with the client process) taken immediately before each chunk is written and flushed.
/// The prompt names the request ("req-17"), so the client can pair its measurements with these emission times.
/// </summary>
public static class EmissionServer
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{args.Port}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxConcurrentConnections = null);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var log = new ConcurrentDictionary<int, long[]>();

        app.MapPost("/v1/chat/completions", async context =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var prompt = body.RootElement.GetProperty("messages")[0].GetProperty("content").GetString()!;
            var index = int.Parse(prompt.AsSpan(4), provider: null);
            var chunks = body.RootElement.GetProperty("max_completion_tokens").GetInt32();
            var emitted = new long[chunks];
            var ct = context.RequestAborted;
            context.Response.ContentType = "text/event-stream";
            await Task.Delay(TimeSpan.FromMilliseconds(args.TtftMs), ct);
            for (var i = 0; i < chunks; i++)
            {
                if (i > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(args.ItlMs), ct);
                }

                var line = Encoding.UTF8.GetBytes(
                    $"data: {{\"id\":\"chatcmpl-{index}\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"fidelity\"," +
                    $"\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\" tok\"}},\"logprobs\":null,\"finish_reason\":null}}]," +
                    $"\"usage\":{{\"prompt_tokens\":3,\"total_tokens\":{4 + i},\"completion_tokens\":{i + 1}}}}}\n\n");
                emitted[i] = Stopwatch.GetTimestamp();
                await context.Response.Body.WriteAsync(line, ct);
                await context.Response.Body.FlushAsync(ct);
            }

            log[index] = emitted;
            await context.Response.WriteAsync(
                $"data: {{\"id\":\"chatcmpl-{index}\",\"choices\":[],\"usage\":{{\"prompt_tokens\":3,\"completion_tokens\":{chunks}}}}}\n\ndata: [DONE]\n\n", ct);
        });
        app.MapGet("/emissions", () => Results.Json(log.ToDictionary(kv => kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv => kv.Value)));
        app.MapPost("/reset", () =>
        {
            log.Clear();
            return Results.Ok();
        });

        Console.WriteLine($"emission server on 127.0.0.1:{args.Port}, TTFT {args.TtftMs} ms, ITL {args.ItlMs} ms; Ctrl+C to stop");
        await app.RunAsync();
        return 0;
    }
}
