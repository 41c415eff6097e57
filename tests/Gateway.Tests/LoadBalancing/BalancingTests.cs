using GpuBench.Gateway.Tests.Support;

namespace GpuBench.Gateway.Tests.LoadBalancing;

/// <summary>How each policy spreads requests over real replicas behind the real gateway.</summary>
public sealed class BalancingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("least-requests", 10, 0)]
    [InlineData("power-of-two-choices", 10, 0)]
    [InlineData("round-robin", 5, 5)]
    public async Task Open_stream_counts_as_in_flight_for_load_aware_policies(string policy, int toIdle, int toBusy)
    {
        await using var a = await SseReplica.StartAsync("a");
        await using var b = await SseReplica.StartAsync("b");
        await using var gateway = await TestGateway.StartAsync([a, b], policy);

        // A stream that stays open for the whole test keeps one replica busy.
        using var open = new CancellationTokenSource();
        var (response, events) = await gateway.StreamAsync(chunks: 1000, intervalMs: 50, open.Token);
        using (response)
        {
            var busy = (await events.NextAsync(Ct))!.Replica;

            var served = new List<string?>();
            for (var i = 0; i < 10; i++)
            {
                served.Add(await gateway.CompleteAsync(Ct));
            }

            Assert.Equal(toIdle, served.Count(r => r != busy));
            Assert.Equal(toBusy, served.Count(r => r == busy));
            await open.CancelAsync();
        }
    }

    [Fact]
    public async Task Least_requests_spreads_idle_replicas_evenly_instead_of_always_picking_the_first()
    {
        await using var a = await SseReplica.StartAsync("a");
        await using var b = await SseReplica.StartAsync("b");
        await using var c = await SseReplica.StartAsync("c");
        await using var gateway = await TestGateway.StartAsync([a, b, c]);

        for (var i = 0; i < 30; i++)
        {
            await gateway.CompleteAsync(Ct);
        }

        Assert.Equal([10, 10, 10], new[] { a.Streams, b.Streams, c.Streams });
    }

    [Fact]
    public async Task Least_requests_sends_most_streams_to_the_fast_replica_when_the_other_is_slow()
    {
        // Same length of stream, ten times slower emission: the slow replica holds its streams ten times longer.
        await using var slow = await SseReplica.StartAsync("slow", chunks: 10, interval: TimeSpan.FromMilliseconds(100));
        await using var fast = await SseReplica.StartAsync("fast", chunks: 10, interval: TimeSpan.FromMilliseconds(10));
        await using var gateway = await TestGateway.StartAsync([slow, fast]);

        var until = DateTime.UtcNow.AddSeconds(4);
        var workers = Enumerable.Range(0, 4).Select(async _ =>
        {
            while (DateTime.UtcNow < until)
            {
                using var response = await gateway.Client.PostAsync("v1/completions", new StringContent("{}"), Ct);
                await response.Content.ReadAsStringAsync(Ct);
            }
        });
        await Task.WhenAll(workers);

        Assert.True(fast.Streams > 2 * slow.Streams, $"fast {fast.Streams}, slow {slow.Streams}");
    }
}
