using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace GpuBench.Gateway.LoadBalancing;

/// <summary>
/// Picks the replica with the fewest requests in flight, as NGINX's least_conn does. YARP counts a request as in
/// flight until its response body is fully copied, so an open SSE stream counts until it ends.
/// </summary>
public sealed class LeastRequestsPolicy : ILoadBalancingPolicy
{
    public const string PolicyName = "GpuBench.LeastRequests";

    private uint _next;

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        var count = availableDestinations.Count;
        if (count == 0)
        {
            return null;
        }

        // Ties are the rule when replicas are idle or evenly loaded. YARP's own LeastRequests policy then always
        // answers the first replica; scanning from a rotating start spreads ties round-robin, as least_conn does.
        var start = (int)(Interlocked.Increment(ref _next) % (uint)count);
        var best = availableDestinations[start];
        for (var i = 1; i < count; i++)
        {
            var candidate = availableDestinations[(start + i) % count];
            if (candidate.ConcurrentRequestCount < best.ConcurrentRequestCount)
            {
                best = candidate;
            }
        }

        return best;
    }
}
