using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GpuBench.TestSupport.Otlp;

/// <summary>
/// An OTLP/HTTP (protobuf) collector on 127.0.0.1 only, as the dashboard or an SSH tunnel's end is on a box: keeps
/// every span and metric name it receives, and the service names of everything (logs included) that reached it.
/// Stands where the dashboard's OTLP endpoint would, so a test sees exactly what the services export.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ReceivedSpan> _spans = [];
    private readonly List<ReceivedMetric> _metrics = [];
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);

    private OtlpReceiver(WebApplication app) => _app = app;

    public string Endpoint => _app.Urls.First();

    public IReadOnlyList<ReceivedSpan> Spans
    {
        get
        {
            lock (_spans)
            {
                return [.. _spans];
            }
        }
    }

    public IReadOnlyList<ReceivedMetric> Metrics
    {
        get
        {
            lock (_metrics)
            {
                return [.. _metrics];
            }
        }
    }

    /// <summary>The services that sent anything, traces, metrics or logs (their resource's service.name).</summary>
    public IReadOnlySet<string> Services
    {
        get
        {
            lock (_services)
            {
                return _services.ToHashSet(StringComparer.Ordinal);
            }
        }
    }

    public static async Task<OtlpReceiver> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            var spans = OtlpDecoder.DecodeTraces(await receiver.ReadBodyAsync(request));
            lock (receiver._spans)
            {
                receiver._spans.AddRange(spans);
            }

            return Empty();
        });
        app.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            var metrics = OtlpDecoder.DecodeMetrics(await receiver.ReadBodyAsync(request));
            lock (receiver._metrics)
            {
                receiver._metrics.AddRange(metrics);
            }

            return Empty();
        });
        app.MapPost("/v1/logs", async (HttpRequest request) =>
        {
            await receiver.ReadBodyAsync(request);
            return Empty();
        });
        await app.StartAsync(cancellationToken);
        return receiver;
    }

    /// <summary>Polls until <paramref name="found"/> returns a value or the time is up (generous: the machine is shared).</summary>
    public async Task<T?> WaitForAsync<T>(Func<OtlpReceiver, T?> found, TimeSpan timeout, CancellationToken cancellationToken)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (found(this) is { } value || DateTime.UtcNow > deadline)
            {
                return found(this);
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>Reads a request's body and notes the services it comes from.</summary>
    private async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
        var bytes = body.ToArray();
        var services = OtlpDecoder.DecodeServices(bytes);
        lock (_services)
        {
            _services.UnionWith(services);
        }

        return bytes;
    }

    /// <summary>An empty Export*ServiceResponse: full success.</summary>
    private static IResult Empty() => Results.Bytes([], "application/x-protobuf");
}
