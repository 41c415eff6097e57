using GpuBench.Simulator.Cli;
using GpuBench.Simulator.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace GpuBench.Simulator.Tests.Api;

/// <summary>A real simulator on Kestrel, 127.0.0.1 and a free port, with an HttpClient pointed at it.</summary>
public sealed class SimulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SimulatorServer(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<SimulatorServer> StartAsync(params string[] args)
    {
        var options = VllmArguments.Parse([.. args, "--host", "127.0.0.1", "--port", "0"], _ => null);
        var app = SimulatorApp.Create(options);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SimulatorServer(app, new HttpClient { BaseAddress = new Uri(address) });
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
