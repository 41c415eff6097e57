using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GpuBench.Controller.Tests.Ssh;

/// <summary>A real Kestrel server on 127.0.0.1:&lt;free port&gt; answering every GET with a fixed text.</summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackHttpServer(WebApplication app, int port) => (_app, Port) = (app, port);

    public int Port { get; }

    public static async Task<LoopbackHttpServer> StartAsync(string text)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/{**path}", () => Results.Text(text));
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Urls.Single();
        return new LoopbackHttpServer(app, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
