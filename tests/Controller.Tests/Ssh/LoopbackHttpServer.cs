using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GpuBench.Controller.Tests.Ssh;

/// <summary>A real Kestrel server on 127.0.0.1:&lt;free port&gt;.</summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackHttpServer(WebApplication app, int port) => (_app, Port) = (app, port);

    public int Port { get; }

    /// <summary>A server answering every GET with <paramref name="text"/>.</summary>
    public static Task<LoopbackHttpServer> StartAsync(string text) =>
        StartAsync(app => app.MapGet("/{**path}", () => Results.Text(text)));

    /// <summary>A server with whatever endpoints <paramref name="map"/> adds.</summary>
    public static async Task<LoopbackHttpServer> StartAsync(Action<WebApplication> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new LoopbackHttpServer(app, new Uri(app.Urls.Single()).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
