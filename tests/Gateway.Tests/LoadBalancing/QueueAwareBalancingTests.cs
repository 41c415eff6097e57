using GpuBench.Gateway.EngineLoad;
using GpuBench.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GpuBench.Gateway.Tests.LoadBalancing;

/// <summary>The queue-aware policy behind the real gateway, over replicas that script what their /metrics says.</summary>
public sealed class QueueAwareBalancingTests
{
    private const string LongQueue = "vllm:num_requests_waiting{model_name=\"m\"} 1000.0\nvllm:kv_cache_usage_perc{model_name=\"m\"} 0.95\n";
    private const string NoQueue = "vllm:num_requests_waiting{model_name=\"m\"} 0.0\nvllm:kv_cache_usage_perc{model_name=\"m\"} 0.2\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_go_to_the_replica_without_a_queue_while_the_other_reports_a_long_one()
    {
        await using var queued = await SseReplica.StartAsync("queued");
        await using var free = await SseReplica.StartAsync("free");
        await using var gateway = await StartReadAsync(queued, free);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("free", await gateway.CompleteAsync(Ct));
        }

        Assert.Equal(0, queued.Streams);
    }

    [Fact]
    public async Task A_replica_whose_metrics_go_silent_is_balanced_by_in_flight_requests_again()
    {
        await using var queued = await SseReplica.StartAsync("queued");
        await using var free = await SseReplica.StartAsync("free");
        await using var gateway = await StartReadAsync(queued, free);

        queued.MetricsText = null;
        var loads = gateway.Services.GetRequiredService<ReplicaLoads>();
        await UntilAsync(() => loads.Estimate(queued.Address.AbsoluteUri) is null);
        for (var i = 0; i < 10; i++)
        {
            await gateway.CompleteAsync(Ct);
        }

        Assert.Equal(5, queued.Streams);
        Assert.Equal(5, free.Streams);
    }

    // The gateway over both replicas, once it has read the long queue of the first and the empty one of the second.
    private static async Task<TestGateway> StartReadAsync(SseReplica queued, SseReplica free)
    {
        queued.MetricsText = LongQueue;
        free.MetricsText = NoQueue;
        var gateway = await TestGateway.StartAsync([queued, free], "queue-aware", "--Gateway:QueueAware:ScrapeInterval=00:00:00.100");
        var loads = gateway.Services.GetRequiredService<ReplicaLoads>();
        await UntilAsync(() => loads.Estimate(queued.Address.AbsoluteUri) is not null && loads.Estimate(free.Address.AbsoluteUri) is not null);
        return gateway;
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the gateway did not take the expected reading within 20 s");
            await Task.Delay(50, Ct);
        }
    }
}
