using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace GpuBench.GatewayOverhead.Replicas;

/// <summary>When a replica emits: the first chunk after Ttft, then one chunk every Interval, Chunks in all.</summary>
internal sealed record EmissionSchedule(TimeSpan Ttft, TimeSpan Interval, int Chunks, int ChunkBytes);

/// <summary>
/// A fast stand-in engine that streams SSE on a fixed schedule. Every chunk carries the monotonic clock reading at
/// which it was written (Stopwatch, CLOCK_MONOTONIC on Linux, shared by all processes of the box), so the client
/// measures each chunk's delay through whatever sits in between.
/// </summary>
internal static class EmittingReplica
{
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public static WebApplication Build(int port, EmissionSchedule schedule)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port));
        var app = builder.Build();
        var tail = Tail(schedule.ChunkBytes);
        app.MapGet("/health", () => "ok");
        app.MapPost("/v1/completions", context => StreamAsync(context, schedule, tail));
        app.MapPost("/v1/chat/completions", context => StreamAsync(context, schedule, tail));
        return app;
    }

    private static async Task StreamAsync(HttpContext context, EmissionSchedule schedule, byte[] tail)
    {
        var abort = context.RequestAborted;
        await context.Request.Body.CopyToAsync(Stream.Null, abort);
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.StartAsync(abort);

        var started = Stopwatch.GetTimestamp();
        var writer = context.Response.BodyWriter;
        var number = new byte[24];
        for (var i = 0; i < schedule.Chunks; i++)
        {
            // Deadlines from the start, not sleeps in a row, so timer lateness does not accumulate.
            var due = schedule.Ttft + schedule.Interval * i;
            var wait = due - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, abort);
            }

            Stopwatch.GetTimestamp().TryFormat(number, out var digits, provider: CultureInfo.InvariantCulture);
            writer.Write("data: {\"t\":"u8);
            writer.Write(number.AsSpan(0, digits));
            writer.Write(tail);
            await writer.FlushAsync(abort);
        }

        writer.Write(Done);
        await writer.FlushAsync(abort);
    }

    /// <summary>The rest of an OpenAI-style completion chunk, padded to about the requested size.</summary>
    private static byte[] Tail(int chunkBytes)
    {
        const string head = ",\"id\":\"cmpl-bench\",\"object\":\"text_completion\",\"model\":\"bench\",\"choices\":[{\"index\":0,\"text\":\"";
        const string end = "\",\"logprobs\":null,\"finish_reason\":null}]}\n\n";
        var pad = Math.Max(1, chunkBytes - 30 - head.Length - end.Length);
        return Encoding.UTF8.GetBytes(head + new string('x', pad) + end);
    }
}
