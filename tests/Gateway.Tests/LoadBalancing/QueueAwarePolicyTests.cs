using GpuBench.Gateway.EngineLoad;
using GpuBench.Gateway.LoadBalancing;
using Microsoft.AspNetCore.Http;
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
        _loads = new ReplicaLoads(_time);
        _policy = new QueueAwarePolicy(_loads, new LeastRequestsPolicy());
    }

    private static DestinationState Destination(string id, int inFlight = 0) => new(id) { ConcurrentRequestCount = inFlight };

    private DestinationState? Pick(params DestinationState[] destinations) =>
        _policy.PickDestination(new DefaultHttpContext(), new ClusterState("c"), destinations);

    private void Read(string replica, double waiting, double kv) =>
        _loads.Store(replica, new ReplicaLoad(waiting, Running: 4, kv), _loads.ScrapeStarting(replica));

    [Fact]
    public void Picks_the_replica_with_the_shortest_engine_queue_even_with_more_requests_in_flight()
    {
        Read("queued", waiting: 5, kv: 0.2);
        Read("free", waiting: 0, kv: 0.9);

        Assert.Equal("free", Pick(Destination("queued", inFlight: 1), Destination("free", inFlight: 9))!.DestinationId);
    }

    [Fact]
    public void Equal_queues_go_to_the_replica_with_the_emptier_kv_cache()
    {
        Read("full", waiting: 0, kv: 0.8);
        Read("empty", waiting: 0, kv: 0.1);

        Assert.Equal("empty", Pick(Destination("full"), Destination("empty", inFlight: 5))!.DestinationId);
    }

    [Fact]
    public void Kv_use_within_one_step_is_decided_by_requests_in_flight()
    {
        Read("a", waiting: 0, kv: 0.41);
        Read("b", waiting: 0, kv: 0.43);

        Assert.Equal("b", Pick(Destination("a", inFlight: 6), Destination("b", inFlight: 2))!.DestinationId);
    }

    [Fact]
    public void A_burst_between_two_scrapes_is_spread_instead_of_all_sent_to_the_emptiest_replica()
    {
        Read("a", waiting: 0, kv: 0.1);
        Read("b", waiting: 2, kv: 0.1);
        DestinationState[] replicas = [Destination("a"), Destination("b")];

        var picks = Enumerable.Range(0, 8).Select(_ => Pick(replicas)!.DestinationId).ToArray();

        // a takes requests until its estimated queue passes b's; from then on they alternate.
        Assert.Equal(["a", "a", "a", "b", "a", "b", "a", "b"], picks);
    }

    [Fact]
    public void Sends_counted_before_a_scrape_started_are_dropped_when_its_reading_arrives()
    {
        Read("a", waiting: 0, kv: 0.1);
        Read("b", waiting: 0, kv: 0.1);
        Pick(Destination("a"), Destination("b"));
        Pick(Destination("a"), Destination("b"));
        var sentBefore = _loads.ScrapeStarting("a");
        _loads.Sent("a"); // sent while the scrape was on its way: the reading cannot show it

        _loads.Store("a", new ReplicaLoad(0, 1, 0.1), sentBefore);

        Assert.Equal(1, _loads.Estimate("a")!.SentSinceReading);
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
        Read("a", waiting: 9, kv: 0.1);
        Read("b", waiting: 0, kv: 0.1);
        _time.Advance(_loads.MaxAge + TimeSpan.FromMilliseconds(1));
        Read("b", waiting: 0, kv: 0.1);

        Assert.Null(_loads.Estimate("a"));
        Assert.Equal("a", Pick(Destination("a", inFlight: 0), Destination("b", inFlight: 3))!.DestinationId);
    }

    [Fact]
    public void A_failed_scrape_drops_the_replica_reading()
    {
        Read("a", waiting: 0, kv: 0.1);

        _loads.Store("a", null, _loads.ScrapeStarting("a"));

        Assert.Null(_loads.Estimate("a"));
    }

    [Fact]
    public void Returns_null_when_no_replica_is_available() => Assert.Null(Pick());
}
