using System.Net.Http.Json;
using GpuBench.Gateway.Admin;
using GpuBench.Gateway.Tests.Support;

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
        // The failed stream marks the replica unhealthy right after its client is told; a request that slips into
        // that window would get a quick 502, not a hang.
        await WaitUntilUnavailableAsync(gateway, victim);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(survivor.Name, await gateway.CompleteAsync(Ct));
        }

        var status = await gateway.Admin.GetFromJsonAsync<GatewayStatus>("admin/replicas", Ct);
        Assert.False(status!.Replicas.Single(r => r.Address == victim.Address.AbsoluteUri).Available);
        Assert.True(status.Replicas.Single(r => r.Address == survivor.Address.AbsoluteUri).Available);
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
