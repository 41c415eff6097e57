using System.Diagnostics.CodeAnalysis;
using GpuBench.Gateway.Configuration;
using GpuBench.Gateway.EngineLoad;
using GpuBench.Gateway.LoadBalancing;
using GpuBench.Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace GpuBench.Gateway.Tests.EngineLoad;

public sealed class EngineMetricsScraperTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reads_each_replica_queue_and_kv_use_from_its_metrics_endpoint()
    {
        await using var a = await Replica("vllm:num_requests_waiting{model_name=\"m\"} 6.0\nvllm:kv_cache_usage_perc{model_name=\"m\"} 0.75\n");
        await using var b = await Replica("vllm:num_requests_waiting{model_name=\"m\"} 0.0\nvllm:kv_cache_usage_perc{model_name=\"m\"} 0.1\n");
        var (scraper, loads) = Scraper(a.Address, b.Address);

        await scraper.ScrapeAllAsync(Ct);

        Assert.Equal((6.0, 0.75), (loads.Estimate(a.Address.AbsoluteUri)!.Reading.Waiting, loads.Estimate(a.Address.AbsoluteUri)!.Reading.KvCacheUsage));
        Assert.Equal((0.0, 0.1), (loads.Estimate(b.Address.AbsoluteUri)!.Reading.Waiting, loads.Estimate(b.Address.AbsoluteUri)!.Reading.KvCacheUsage));
    }

    [Fact]
    public async Task A_replica_whose_metrics_fail_or_hang_has_no_reading_while_the_others_are_read()
    {
        await using var good = await Replica("vllm:num_requests_waiting 2\n");
        await using var failing = await Replica(null);
        await using var hanging = await Replica("vllm:num_requests_waiting 1\n", delay: TimeSpan.FromSeconds(30));
        var (scraper, loads) = Scraper(good.Address, failing.Address, hanging.Address);

        await scraper.ScrapeAllAsync(Ct);

        Assert.Equal(2.0, loads.Estimate(good.Address.AbsoluteUri)!.Reading.Waiting);
        Assert.Null(loads.Estimate(failing.Address.AbsoluteUri));
        Assert.Null(loads.Estimate(hanging.Address.AbsoluteUri));
    }

    [Fact]
    public async Task A_replica_that_stops_answering_loses_the_reading_it_had()
    {
        await using var replica = await Replica("vllm:num_requests_waiting 3\n");
        var (scraper, loads) = Scraper(replica.Address);
        await scraper.ScrapeAllAsync(Ct);
        Assert.NotNull(loads.Estimate(replica.Address.AbsoluteUri));

        replica.MetricsText = null;
        await scraper.ScrapeAllAsync(Ct);

        Assert.Null(loads.Estimate(replica.Address.AbsoluteUri));
    }

    private static async Task<SseReplica> Replica(string? metrics, TimeSpan delay = default)
    {
        var replica = await SseReplica.StartAsync("r");
        replica.MetricsText = metrics;
        replica.MetricsDelay = delay;
        return replica;
    }

    private static (EngineMetricsScraper Scraper, ReplicaLoads Loads) Scraper(params Uri[] replicas)
    {
        var options = Options.Create(new GatewayOptions
        {
            Replicas = replicas.Select(r => r.AbsoluteUri).ToArray(),
            Policy = BalancingPolicies.QueueAware,
            QueueAware = new QueueAwareOptions { ScrapeTimeout = TimeSpan.FromSeconds(2), MaxAge = TimeSpan.FromMinutes(5) },
        });
        var loads = new ReplicaLoads(TimeProvider.System, options);
        var scraper = new EngineMetricsScraper(new ReplicaSet(options), loads, new NoProxyState(), options, TimeProvider.System, NullLogger<EngineMetricsScraper>.Instance);
        return (scraper, loads);
    }

    /// <summary>No YARP in these tests: the gateway has nothing in flight.</summary>
    private sealed class NoProxyState : IProxyStateLookup
    {
        public bool TryGetRoute(string id, [NotNullWhen(true)] out RouteModel? route)
        {
            route = null;
            return false;
        }

        public IEnumerable<RouteModel> GetRoutes() => [];

        public bool TryGetCluster(string id, [NotNullWhen(true)] out ClusterState? cluster)
        {
            cluster = null;
            return false;
        }

        public IEnumerable<ClusterState> GetClusters() => [];
    }
}
