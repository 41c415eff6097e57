using GpuBench.Gateway.LoadBalancing;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace GpuBench.Gateway.Tests.LoadBalancing;

public sealed class LeastRequestsPolicyTests
{
    private static DestinationState Destination(string id, int inFlight) => new(id) { ConcurrentRequestCount = inFlight };

    private static DestinationState? Pick(LeastRequestsPolicy policy, params DestinationState[] destinations) =>
        policy.PickDestination(new DefaultHttpContext(), new ClusterState("c"), destinations);

    [Fact]
    public void Picks_the_replica_with_fewest_requests_in_flight()
    {
        var policy = new LeastRequestsPolicy();
        var idle = Destination("idle", 1);

        for (var i = 0; i < 6; i++)
        {
            Assert.Same(idle, Pick(policy, Destination("a", 3), idle, Destination("b", 2)));
        }
    }

    [Fact]
    public void Rotates_between_replicas_that_tie()
    {
        var policy = new LeastRequestsPolicy();
        DestinationState[] tied = [Destination("a", 2), Destination("b", 2), Destination("c", 2)];

        var picks = Enumerable.Range(0, 6).Select(_ => Pick(policy, tied)!.DestinationId).ToArray();

        Assert.Equal(2, picks.Count(p => p == "a"));
        Assert.Equal(2, picks.Count(p => p == "b"));
        Assert.Equal(2, picks.Count(p => p == "c"));
    }

    [Fact]
    public void Returns_null_when_no_replica_is_available() => Assert.Null(Pick(new LeastRequestsPolicy()));
}
