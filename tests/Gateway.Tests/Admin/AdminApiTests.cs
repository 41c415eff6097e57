using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using GpuBench.Gateway.Admin;
using GpuBench.Gateway.Listeners;
using GpuBench.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GpuBench.Gateway.Tests.Admin;

/// <summary>The admin API: loopback only, bearer token, replicas and policy replaced at run time.</summary>
public sealed class AdminApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer")]
    [InlineData("Bearer wrong-token")]
    [InlineData("Bearer " + TestGateway.Token + "x")]
    [InlineData("Basic " + TestGateway.Token)]
    public async Task Admin_calls_without_the_right_bearer_token_are_refused(string? authorization)
    {
        await using var replica = await SseReplica.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync([replica]);
        using var client = new HttpClient { BaseAddress = gateway.AdminAddress };
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        using var get = await client.GetAsync("admin/replicas", Ct);
        using var put = await client.PutAsJsonAsync("admin/replicas", new[] { "http://127.0.0.1:9/" }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, get.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, put.StatusCode);
        Assert.Equal("a", await gateway.CompleteAsync(Ct));
    }

    [Fact]
    public async Task Refused_calls_are_logged_without_the_token()
    {
        await using var replica = await SseReplica.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync([replica]);
        using var client = new HttpClient { BaseAddress = gateway.AdminAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "guess-7d1e0f");

        using var refused = await client.GetAsync("admin/replicas", Ct);
        using var accepted = await gateway.Admin.GetAsync("admin/replicas", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains(gateway.Logs.Lines, line => line.Contains("refused: wrong bearer token", StringComparison.Ordinal));
        Assert.DoesNotContain(gateway.Logs.Lines, line => line.Contains("guess-7d1e0f", StringComparison.Ordinal));
        Assert.DoesNotContain(gateway.Logs.Lines, line => line.Contains(TestGateway.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Admin_api_listens_on_loopback_only_and_not_on_the_public_listener()
    {
        await using var replica = await SseReplica.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync([replica], settings: "--Gateway:Address=0.0.0.0");
        using var viaPublic = new HttpClient { BaseAddress = gateway.PublicAddress };
        viaPublic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestGateway.Token);

        var listeners = gateway.Services.GetRequiredService<GatewayListeners>();
        using var response = await viaPublic.GetAsync("admin/replicas", Ct);

        Assert.True(IPAddress.IsLoopback(listeners.AdminEndPoint.Address));
        Assert.Equal(IPAddress.Any, listeners.PublicEndPoint.Address);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Replacing_the_replicas_sends_new_requests_to_the_new_ones()
    {
        await using var a = await SseReplica.StartAsync("a");
        await using var b = await SseReplica.StartAsync("b");
        await using var gateway = await TestGateway.StartAsync([a]);
        Assert.Equal("a", await gateway.CompleteAsync(Ct));

        using var put = await gateway.Admin.PutAsJsonAsync("admin/replicas", new[] { b.Address.AbsoluteUri }, Ct);

        put.EnsureSuccessStatusCode();
        var status = await put.Content.ReadFromJsonAsync<GatewayStatus>(Ct);
        Assert.Equal([b.Address.AbsoluteUri], status!.Replicas.Select(r => r.Address));
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("b", await gateway.CompleteAsync(Ct));
        }

        Assert.Contains(gateway.Logs.Lines, line => line.Contains($"replicas set to [{b.Address.AbsoluteUri}]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[\"not a url\"]")]
    [InlineData("[\"ftp://127.0.0.1:21/\"]")]
    [InlineData("[\"http://127.0.0.1:9/\",\"http://127.0.0.1:9/\"]")]
    [InlineData("{\"replicas\":1}")]
    public async Task A_bad_replica_list_is_refused_and_the_old_replicas_stay(string body)
    {
        await using var a = await SseReplica.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync([a]);

        using var put = await gateway.Admin.PutAsync("admin/replicas", new StringContent(body, MediaTypeHeaderValue.Parse("application/json")), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("a", await gateway.CompleteAsync(Ct));
    }

    [Fact]
    public async Task Status_counts_an_open_stream_as_in_flight_on_its_replica()
    {
        await using var a = await SseReplica.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync([a]);
        using var open = new CancellationTokenSource();
        var (response, events) = await gateway.StreamAsync(chunks: 1000, intervalMs: 50, open.Token);
        using (response)
        {
            await events.NextAsync(Ct);

            var status = await gateway.Admin.GetFromJsonAsync<GatewayStatus>("admin/replicas", Ct);

            var replica = Assert.Single(status!.Replicas);
            Assert.Equal(1, replica.InFlight);
            Assert.True(replica.Available);
            Assert.Equal("least-requests", status.Policy);
            await open.CancelAsync();
        }
    }

    [Fact]
    public async Task The_policy_can_be_changed_and_an_unknown_one_is_refused()
    {
        await using var a = await SseReplica.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync([a]);

        using var changed = await gateway.Admin.PutAsJsonAsync("admin/policy", new PolicyChange("round-robin"), Ct);
        using var unknown = await gateway.Admin.PutAsJsonAsync("admin/policy", new PolicyChange("fastest"), Ct);

        Assert.Equal("round-robin", (await changed.Content.ReadFromJsonAsync<GatewayStatus>(Ct))!.Policy);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("a", await gateway.CompleteAsync(Ct));
    }
}
