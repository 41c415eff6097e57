using System.Net.Http.Json;
using GpuBench.Gateway.Admin;
using GpuBench.Gateway.Tests.Support;
using GpuBench.TestSupport;

namespace GpuBench.Gateway.Tests.Health;

/// <summary>A replica that dies mid-run: its streams fail at once, it is taken out, the others keep serving.</summary>
public sealed class ReplicaFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Replica_killed_mid_stream_fails_its_streams_and_the_survivor_takes_new_requests()
    {
        await using var a = await SseReplica.StartAsync("a");
        await using var b = await SseReplica.StartAsync("b");
        await using var gateway = await TestGateway.StartAsync([a, b]);
        // Least-requests puts the two long streams on different replicas.
        var (first, firstEvents) = await gateway.StreamAsync(chunks: 1000, intervalMs: 50, Ct);
        var (second, secondEvents) = await gateway.StreamAsync(chunks: 1000, intervalMs: 50, Ct);
        using var firstResponse = first;
        using var secondResponse = second;
        var victimName = (await firstEvents.NextAsync(Ct))!.Replica;
        Assert.NotEqual(victimName, (await secondEvents.NextAsync(Ct))!.Replica);
        var (victim, survivor) = victimName == "a" ? (a, b) : (b, a);

        await victim.KillAsync();

        // The client sees its stream end in an error, not a hang.
        using var noHang = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        noHang.CancelAfter(TimeSpan.FromSeconds(20));
        await Assert.ThrowsAnyAsync<IOException>(() => firstEvents.ReadToEndAsync(noHang.Token));
        Assert.False(noHang.IsCancellationRequested, "the stream of the dead replica hung");

        Assert.Equal(survivor.Name, (await secondEvents.NextAsync(Ct))!.Replica);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(survivor.Name, await gateway.CompleteAsync(Ct));
        }

        await WaitUntilUnavailableAsync(gateway, victim);
        var status = await gateway.Admin.GetFromJsonAsync<GatewayStatus>("admin/replicas", Ct);
        Assert.True(status!.Replicas.Single(r => r.Address == survivor.Address.AbsoluteUri).Available);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_on_another_replica_and_the_dead_one_taken_out()
    {
        await using var dead = await SseReplica.StartAsync("dead");
        await using var alive = await SseReplica.StartAsync("alive");
        await dead.KillAsync();
        // Probes too rare to notice the dead replica first: round-robin sends it one of the first two requests.
        await using var gateway = await TestGateway.StartAsync([dead, alive], "round-robin", "--Gateway:HealthCheck:Interval=00:01:00");

        for (var i = 0; i < 6; i++)
        {
            Assert.Equal("alive", await gateway.CompleteAsync(Ct));
        }

        Assert.Equal(Enumerable.Repeat(TestGateway.StreamRequestBody, 6), alive.Bodies);
        await WaitUntilUnavailableAsync(gateway, dead);
    }

    [Fact]
    public async Task With_every_replica_dead_the_client_gets_an_error_status_at_once()
    {
        // A replica that is gone: its port refuses connections and, held for the test, is no parallel server's.
        using var dead = new ClosedLoopbackPort();
        await using var gateway = await TestGateway.StartAsync([], settings: $"--Gateway:Replicas:0=http://127.0.0.1:{dead.Port}/");

        using var noHang = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        noHang.CancelAfter(TimeSpan.FromSeconds(20));

        // With no healthy replica left the gateway still tries them all, as NGINX does, so a replica whose health
        // probe merely timed out under load keeps serving; a dead one answers at once.
        for (var i = 0; i < 3; i++)
        {
            using var response = await gateway.Client.PostAsync("v1/completions", new StringContent("{}"), noHang.Token);
            Assert.Equal(System.Net.HttpStatusCode.BadGateway, response.StatusCode);
        }
    }

    private static async Task WaitUntilUnavailableAsync(TestGateway gateway, SseReplica replica)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var status = await gateway.Admin.GetFromJsonAsync<GatewayStatus>("admin/replicas", Ct);
            if (!status!.Replicas.Single(r => r.Address == replica.Address.AbsoluteUri).Available)
            {
                return;
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail($"replica {replica.Name} still available 5 s after it died");
    }
}
