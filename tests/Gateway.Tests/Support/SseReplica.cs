using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GpuBench.Gateway.Tests.Support;

/// <summary>
/// A stand-in engine replica on a real Kestrel port. POST/GET under /v1 streams SSE chunks on a schedule
/// (<c>?chunks=N&amp;interval_ms=M</c> overrides the replica's default); /health answers its name; any other path
/// echoes it; /metrics, asked by the gateway itself, answers <see cref="MetricsText"/> (404 while null). It records
/// every path and traceparent it saw.
/// </summary>
public sealed class SseReplica : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly int _defaultChunks;
    private readonly TimeSpan _defaultInterval;
    private int _streams;
    private int _probes;

    private SseReplica(string name, WebApplication app, int chunks, TimeSpan interval)
    {
        Name = name;
        _app = app;
        _defaultChunks = chunks;
        _defaultInterval = interval;
    }

    public string Name { get; }

    public Uri Address => new(_app.Urls.First() + "/");

    /// <summary>Paths of every proxied request (the gateway's own health probes are counted apart).</summary>
    public ConcurrentQueue<string> Paths { get; } = new();

    public ConcurrentQueue<string> Traceparents { get; } = new();

    /// <summary>Request bodies of the streams, as received.</summary>
    public ConcurrentQueue<string> Bodies { get; } = new();

    /// <summary>What the replica's /metrics serves, e.g. vLLM's queue gauges; null answers 404.</summary>
    public string? MetricsText { get; set; }

    /// <summary>How long /metrics takes to answer, to stand for an engine too busy to serve it in time.</summary>
    public TimeSpan MetricsDelay { get; set; }

    public int HealthProbes => Volatile.Read(ref _probes);

    /// <summary>Streams started on this replica.</summary>
    public int Streams => Volatile.Read(ref _streams);

    /// <summary>Stopwatch timestamp at which this replica last finished writing a stream.</summary>
    public long LastStreamWrittenAt { get; private set; }

    public static async Task<SseReplica> StartAsync(string name, int chunks = 3, TimeSpan interval = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var replica = new SseReplica(name, app, chunks, interval);
        app.Run(replica.HandleAsync);
        await app.StartAsync();
        return replica;
    }

    /// <summary>Stops as a crashed process would: open connections are cut, new ones refused.</summary>
    public async Task KillAsync()
    {
        using var now = new CancellationTokenSource();
        await now.CancelAsync();
        await _app.StopAsync(now.Token);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (path == "/metrics" && !context.Request.Headers.ContainsKey("X-Forwarded-For"))
        {
            if (MetricsDelay > TimeSpan.Zero)
            {
                await Task.Delay(MetricsDelay, context.RequestAborted);
            }

            if (MetricsText is { } metrics)
            {
                await context.Response.WriteAsync(metrics, context.RequestAborted);
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }

            return;
        }

        if (!context.Request.Headers.ContainsKey("X-Forwarded-For"))
        {
            // The gateway's active health probe: YARP marks every proxied request with X-Forwarded-For.
            Interlocked.Increment(ref _probes);
            await context.Response.WriteAsync($"replica:{Name}", context.RequestAborted);
            return;
        }

        Paths.Enqueue(path);
        if (context.Request.Headers.TryGetValue("traceparent", out var traceparent))
        {
            Traceparents.Enqueue(traceparent.ToString());
        }

        if (!path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            await context.Response.WriteAsync($"replica:{Name}", context.RequestAborted);
            return;
        }

        Interlocked.Increment(ref _streams);
        using (var reader = new StreamReader(context.Request.Body))
        {
            Bodies.Enqueue(await reader.ReadToEndAsync(context.RequestAborted));
        }

        var chunks = int.TryParse(context.Request.Query["chunks"], out var c) ? c : _defaultChunks;
        var interval = int.TryParse(context.Request.Query["interval_ms"], out var ms) ? TimeSpan.FromMilliseconds(ms) : _defaultInterval;
        context.Response.ContentType = "text/event-stream";
        await context.Response.StartAsync(context.RequestAborted);
        for (var i = 0; i < chunks; i++)
        {
            if (i > 0 && interval > TimeSpan.Zero)
            {
                await Task.Delay(interval, context.RequestAborted);
            }

            await context.Response.WriteAsync($"data: {{\"replica\":\"{Name}\",\"index\":{i}}}\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }

        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
        LastStreamWrittenAt = Stopwatch.GetTimestamp();
    }
}
