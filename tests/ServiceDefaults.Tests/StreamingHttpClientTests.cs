using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GpuBench.ServiceDefaults.Tests;

/// <summary>Real Kestrel on loopback answering 503; counts how often each client sends the request.</summary>
public sealed class StreamingHttpClientTests : IAsyncLifetime
{
    private WebApplication? _server;
    private int _hits;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        _server.MapPost("/v1/chat/completions", () =>
        {
            Interlocked.Increment(ref _hits);
            return Results.StatusCode(503);
        });
        await _server.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private Uri Endpoint => new(_server!.Urls.First() + "/v1/chat/completions");

    private static IServiceProvider Services()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddServiceDefaults();
        builder.Services.AddStreamingHttpClient("inference");
        return builder.Build().Services;
    }

    [Fact]
    public async Task Streaming_client_sends_a_failed_inference_request_exactly_once()
    {
        var client = Services().GetRequiredService<IHttpClientFactory>().CreateClient("inference");

        using var response = await client.PostAsync(Endpoint, new StringContent("{}"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, _hits);
        Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
    }

    [Fact]
    public async Task Default_clients_keep_the_standard_retries()
    {
        var client = Services().GetRequiredService<IHttpClientFactory>().CreateClient("control");

        using var response = await client.PostAsync(Endpoint, new StringContent("{}"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(_hits > 1, $"expected retries, saw {_hits} request(s)");
    }
}
