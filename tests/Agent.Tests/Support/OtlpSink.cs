using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GpuBench.Agent.Tests.Support;

/// <summary>
/// An OTLP/HTTP collector on 127.0.0.1 only, as the dashboard or an SSH tunnel's end is on a box: keeps the bodies
/// of what it receives, so a test can see which services reached it (their service names appear in the protobuf
/// as plain UTF-8).
/// </summary>
internal sealed class OtlpSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<byte[]> _bodies = [];

    private OtlpSink(WebApplication app) => _app = app;

    public string Endpoint => _app.Urls.First();

    public static async Task<OtlpSink> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sink = new OtlpSink(app);
        app.MapPost("/v1/{signal}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
            lock (sink._bodies)
            {
                sink._bodies.Add(body.ToArray());
            }

            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync(cancellationToken);
        return sink;
    }

    /// <summary>Whether anything received so far mentions <paramref name="text"/> (e.g. a service name).</summary>
    public bool Received(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        lock (_bodies)
        {
            return _bodies.Any(b => b.AsSpan().IndexOf(bytes) >= 0);
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
