using GpuBench.Gateway.EngineLoad;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace GpuBench.Gateway.LoadBalancing;

/// <summary>
/// Picks the replica with the shortest engine queue (vllm:num_requests_waiting, brought up to date with the gateway's
/// in-flight count), then one whose KV cache is not nearly full, then the fewest requests in flight. When any
/// candidate has no fresh reading the whole choice falls back to least-requests: a replica is never passed over only
/// because its /metrics is silent.
/// </summary>
public sealed class QueueAwarePolicy(ReplicaLoads loads, LeastRequestsPolicy fallback) : ILoadBalancingPolicy
{
    public const string PolicyName = "GpuBench.QueueAware";

    // Above this KV use vLLM is about to stop admitting requests or to preempt running ones. Below it KV use says
    // little the in-flight count does not: comparing it directly would send every request between two scrapes to
    // the replica that looked emptiest, whatever its in-flight count.
    public const double NearlyFullKvCache = 0.9;

    private uint _next;

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations) =>
        ByEngineLoad(availableDestinations) ?? fallback.PickDestination(context, cluster, availableDestinations);

    // Null when there is no candidate or one of them has no fresh reading.
    private DestinationState? ByEngineLoad(IReadOnlyList<DestinationState> candidates)
    {
        var count = candidates.Count;
        DestinationState? best = null;
        var bestScore = default(Score);

        // Scanning from a rotating start spreads full ties (idle replicas) in turn, as least-requests does.
        var start = count == 0 ? 0 : (int)(Interlocked.Increment(ref _next) % (uint)count);
        for (var i = 0; i < count; i++)
        {
            var candidate = candidates[(start + i) % count];
            if (loads.Estimate(candidate.DestinationId) is not { } estimate)
            {
                return null;
            }

            var inFlight = candidate.ConcurrentRequestCount;
            var score = new Score(estimate.WaitingNow(inFlight), estimate.Reading.KvCacheUsage >= NearlyFullKvCache, inFlight);
            if (best is null || score.CompareTo(bestScore) < 0)
            {
                best = candidate;
                bestScore = score;
            }
        }

        return best;
    }

    private readonly record struct Score(double Waiting, bool KvNearlyFull, int InFlight) : IComparable<Score>
    {
        public int CompareTo(Score other)
        {
            var byWaiting = Waiting.CompareTo(other.Waiting);
            if (byWaiting != 0)
            {
                return byWaiting;
            }

            var byKv = KvNearlyFull.CompareTo(other.KvNearlyFull);
            return byKv != 0 ? byKv : InFlight.CompareTo(other.InFlight);
        }
    }
}
