using System.Collections.Concurrent;
using System.Net.Http.Headers;
using GpuBench.Gateway.Hosting;
using GpuBench.Gateway.Listeners;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GpuBench.Gateway.Tests.Support;

/// <summary>The real gateway, started in-process on real loopback ports over the given replicas.</summary>
public sealed class TestGateway : IAsyncDisposable
{
    public const string Token = "test-admin-token-5b1c9e";

    public const string StreamRequestBody = "{\"stream\":true}";

    private readonly WebApplication _app;

    private TestGateway(WebApplication app, CapturedLogs logs)
    {
        _app = app;
        Logs = logs;
        var listeners = app.Services.GetRequiredService<GatewayListeners>();
        PublicAddress = new Uri($"http://127.0.0.1:{listeners.PublicEndPoint.Port}/");
        AdminAddress = new Uri($"http://127.0.0.1:{listeners.AdminEndPoint.Port}/");
        // The client stands for an outside load generator: it sends exactly the trace headers a test gives it.
        Client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null })
        {
            BaseAddress = PublicAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        Admin = new HttpClient { BaseAddress = AdminAddress, Timeout = TimeSpan.FromSeconds(30) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public Uri PublicAddress { get; }

    public Uri AdminAddress { get; }

    /// <summary>Client of the proxy (public listener).</summary>
    public HttpClient Client { get; }

    /// <summary>Client of the admin listener, sending the right token.</summary>
    public HttpClient Admin { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestGateway> StartAsync(IEnumerable<SseReplica> replicas, string policy = "least-requests", params string[] settings)
    {
        string[] args =
        [
            "--Gateway:Port=0",
            "--Gateway:Admin:Port=0",
            $"--Gateway:Admin:Token={Token}",
            $"--Gateway:Policy={policy}",
            "--Gateway:HealthCheck:Interval=00:00:01",
            "--Gateway:HealthCheck:ReactivationPeriod=00:01:00",
            .. replicas.Select((r, i) => $"--Gateway:Replicas:{i}={r.Address}"),
            .. settings,
        ];
        var logs = new CapturedLogs();
        var app = GatewayHost.Create(args, builder => builder.Logging.AddProvider(logs));
        await app.StartAsync();
        return new TestGateway(app, logs);
    }

    /// <summary>Streams /v1/completions through the gateway with the given schedule; the caller reads the events.</summary>
    public async Task<(HttpResponseMessage Response, SseEvents Events)> StreamAsync(int chunks, int intervalMs, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/completions?chunks={chunks}&interval_ms={intervalMs}")
        {
            Content = new StringContent(StreamRequestBody, System.Text.Encoding.UTF8, "application/json"),
        };
        var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return (response, await SseEvents.OpenAsync(response, cancellationToken));
    }

    /// <summary>One short stream, read to the end; returns the replica that served it.</summary>
    public async Task<string?> CompleteAsync(CancellationToken cancellationToken)
    {
        var (response, events) = await StreamAsync(1, 0, cancellationToken);
        using (response)
        {
            return (await events.ReadToEndAsync(cancellationToken))[0].Replica;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>Every log line the gateway wrote, formatted, for assertions on what is (not) logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
    }
}
