using System.Net;
using GpuBench.Gateway.Tests.Support;

namespace GpuBench.Gateway.Tests.Listeners;

/// <summary>Only the engine's API reaches a replica; the public and admin listeners serve different things.</summary>
public sealed class RoutingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("GET", "/v1/models")]
    [InlineData("POST", "/tokenize")]
    [InlineData("POST", "/detokenize")]
    [InlineData("GET", "/health")]
    public async Task Engine_paths_are_proxied_to_a_replica(string method, string path)
    {
        await using var replica = await SseReplica.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync([replica]);

        using var response = await gateway.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([path], replica.Paths);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/metrics")]
    [InlineData("/alive")]
    [InlineData("/admin/replicas")]
    [InlineData("/v2/completions")]
    [InlineData("/tokenize/extra")]
    [InlineData("/v1x")]
    public async Task Other_paths_are_refused_without_reaching_a_replica(string path)
    {
        await using var replica = await SseReplica.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync([replica]);

        using var get = await gateway.Client.GetAsync(path, Ct);
        using var post = await gateway.Client.PostAsync(path, new StringContent("{}"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Empty(replica.Paths);
    }

    [Fact]
    public async Task Health_on_the_admin_listener_is_the_gateways_own()
    {
        await using var replica = await SseReplica.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync([replica]);

        var own = await gateway.Admin.GetStringAsync("health", Ct);
        var proxied = await gateway.Client.GetStringAsync("health", Ct);

        Assert.Equal("Healthy", own);
        Assert.Equal("replica:a", proxied);
        Assert.Equal(["/health"], replica.Paths);
    }
}
