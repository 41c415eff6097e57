using GpuBench.Gateway.Configuration;
using GpuBench.Gateway.EngineLoad;
using GpuBench.Gateway.LoadBalancing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Yarp.ReverseProxy.Model;

namespace GpuBench.Gateway.Tests.LoadBalancing;

public sealed class QueueAwarePolicyTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly ReplicaLoads _loads;
    private readonly QueueAwarePolicy _policy;

    public QueueAwarePolicyTests()
    {
        _loads = new ReplicaLoads(_time, Options.Create(new GatewayOptions()));
        _policy = new QueueAwarePolicy(_loads, new LeastRequestsPolicy());
    }

    private static DestinationState Destination(string id, int inFlight = 0) => new(id) { ConcurrentRequestCount = inFlight };

    private DestinationState? Pick(params DestinationState[] destinations) =>
        _policy.PickDestination(new DefaultHttpContext(), new ClusterState("c"), destinations);

    private void Read(string replica, double waiting, double kv = 0.2, int inFlightAtScrape = 0) =>
        _loads.Store(replica, new ReplicaLoad(waiting, Running: 4, kv), inFlightAtScrape);

    [Fact]
    public void Picks_the_replica_with_the_shortest_engine_queue_even_with_more_requests_in_flight()
    {
        Read("queued", waiting: 5, inFlightAtScrape: 1);
        Read("free", waiting: 0, inFlightAtScrape: 9);

        Assert.Equal("free", Pick(Destination("queued", inFlight: 1), Destination("free", inFlight: 9))!.DestinationId);
    }

    [Fact]
    public void Equal_queues_avoid_a_nearly_full_kv_cache()
    {
        Read("full", waiting: 0, kv: 0.95);
        Read("roomy", waiting: 0, kv: 0.5);

        Assert.Equal("roomy", Pick(Destination("full", inFlight: 1), Destination("roomy", inFlight: 5))!.DestinationId);
    }

    [Fact]
    public void Kv_use_below_nearly_full_leaves_the_choice_to_requests_in_flight()
    {
        Read("a", waiting: 0, kv: 0.2);
        Read("b", waiting: 0, kv: 0.8);

        Assert.Equal("b", Pick(Destination("a", inFlight: 6), Destination("b", inFlight: 2))!.DestinationId);
    }

    [Fact]
    public void A_queue_grows_with_requests_sent_since_its_reading_and_shrinks_as_they_finish()
    {
        Read("a", waiting: 2, inFlightAtScrape: 10);
        Read("b", waiting: 4, inFlightAtScrape: 10);

        Assert.Equal("b", Pick(Destination("a", inFlight: 13), Destination("b", inFlight: 10))!.DestinationId);
        Assert.Equal("a", Pick(Destination("a", inFlight: 11), Destination("b", inFlight: 10))!.DestinationId);
        Assert.Equal(0, _loads.Estimate("a")!.WaitingNow(7));
    }

    [Fact]
    public void A_burst_between_two_scrapes_is_spread_over_replicas_without_a_queue()
    {
        Read("a", waiting: 0);
        Read("b", waiting: 0);
        DestinationState[] replicas = [Destination("a"), Destination("b")];

        for (var i = 0; i < 8; i++)
        {
            // The gateway counts the request as in flight as soon as it is forwarded.
            Pick(replicas)!.ConcurrentRequestCount++;
        }

        Assert.Equal([4, 4], replicas.Select(r => r.ConcurrentRequestCount));
    }

    [Fact]
    public void Full_ties_rotate_over_the_replicas()
    {
        Read("a", waiting: 0);
        Read("b", waiting: 0);

        var picks = Enumerable.Range(0, 6).Select(_ => Pick(Destination("a"), Destination("b"))!.DestinationId).ToArray();

        Assert.Equal(3, picks.Count(p => p == "a"));
    }

    [Fact]
    public void A_replica_without_a_reading_makes_the_choice_fall_back_to_least_requests()
    {
        Read("queued", waiting: 50, kv: 0.99);

        Assert.Equal("queued", Pick(Destination("queued", inFlight: 1), Destination("silent", inFlight: 7))!.DestinationId);
        Assert.Equal("silent", Pick(Destination("queued", inFlight: 7), Destination("silent", inFlight: 1))!.DestinationId);
    }

    [Fact]
    public void A_reading_older_than_its_max_age_no_longer_counts()
    {
        Read("a", waiting: 9);
        Read("b", waiting: 0);
        _time.Advance(_loads.MaxAge + TimeSpan.FromMilliseconds(1));
        Read("b", waiting: 0);

        Assert.Null(_loads.Estimate("a"));
        Assert.Equal("a", Pick(Destination("a", inFlight: 0), Destination("b", inFlight: 3))!.DestinationId);
    }

    [Fact]
    public void A_failed_scrape_drops_the_replica_reading()
    {
        Read("a", waiting: 0);

        _loads.Store("a", null, inFlightAtScrape: 0);

        Assert.Null(_loads.Estimate("a"));
    }

    [Fact]
    public void Returns_null_when_no_replica_is_available() => Assert.Null(Pick());
}
