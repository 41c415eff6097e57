using GpuBench.Gateway.EngineLoad;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace GpuBench.Gateway.LoadBalancing;

/// <summary>
/// Picks the replica with the shortest engine queue (vllm:num_requests_waiting, plus what the gateway sent since the
/// reading), then the emptiest KV cache, then the fewest requests in flight. When any candidate has no fresh reading
/// the whole choice falls back to least-requests: a replica is never passed over only because its /metrics is silent.
/// </summary>
public sealed class QueueAwarePolicy(ReplicaLoads loads, LeastRequestsPolicy fallback) : ILoadBalancingPolicy
{
    public const string PolicyName = "GpuBench.QueueAware";

    // KV use within this step counts as equal, so that two replicas at 41 % and 43 % are told apart by their
    // in-flight requests rather than by a difference the next scrape may reverse.
    private const double KvCacheStep = 0.05;

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        var picked = ByEngineLoad(availableDestinations) ?? fallback.PickDestination(context, cluster, availableDestinations);
        if (picked is not null)
        {
            loads.Sent(picked.DestinationId);
        }

        return picked;
    }

    // Null when there is no candidate or one of them has no fresh reading.
    private DestinationState? ByEngineLoad(IReadOnlyList<DestinationState> candidates)
    {
        DestinationState? best = null;
        var bestScore = default(Score);
        foreach (var candidate in candidates)
        {
            if (loads.Estimate(candidate.DestinationId) is not { } estimate)
            {
                return null;
            }

            var score = new Score(estimate.Waiting, Math.Floor(estimate.Reading.KvCacheUsage / KvCacheStep), candidate.ConcurrentRequestCount);
            if (best is null || score.CompareTo(bestScore) < 0)
            {
                best = candidate;
                bestScore = score;
            }
        }

        return best;
    }

    private readonly record struct Score(double Waiting, double KvStep, int InFlight) : IComparable<Score>
    {
        public int CompareTo(Score other)
        {
            var byWaiting = Waiting.CompareTo(other.Waiting);
            if (byWaiting != 0)
            {
                return byWaiting;
            }

            var byKv = KvStep.CompareTo(other.KvStep);
            return byKv != 0 ? byKv : InFlight.CompareTo(other.InFlight);
        }
    }
}
