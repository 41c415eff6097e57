using System.Collections.Concurrent;
using GpuBench.Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace GpuBench.Gateway.EngineLoad;

/// <summary>
/// The latest /metrics reading of each replica (keyed by its address, the YARP destination id), with the gateway's
/// in-flight count for that replica when the scrape was sent. The scraper writes, the queue-aware policy reads.
/// </summary>
public sealed class ReplicaLoads(TimeProvider time, IOptions<GatewayOptions> options)
{
    private readonly ConcurrentDictionary<string, Stamped> _readings = new(StringComparer.Ordinal);

    /// <summary>A reading older than this is not trusted (the replica stopped answering /metrics).</summary>
    public TimeSpan MaxAge { get; } = options.Value.QueueAware.MaxAge;

    /// <summary>The replica's last reading if it is fresh, else null.</summary>
    public ReplicaEstimate? Estimate(string replica) =>
        _readings.TryGetValue(replica, out var stamped) && time.GetElapsedTime(stamped.ReadAt) <= MaxAge
            ? stamped.Estimate
            : null;

    /// <summary>Stores a reading, or forgets the last one when the scrape failed (null).</summary>
    public void Store(string replica, ReplicaLoad? reading, int inFlightAtScrape)
    {
        if (reading is null)
        {
            _readings.TryRemove(replica, out _);
            return;
        }

        _readings[replica] = new Stamped(new ReplicaEstimate(reading, inFlightAtScrape), time.GetTimestamp());
    }

    /// <summary>Forgets replicas that are no longer in the deployment.</summary>
    public void Retain(IReadOnlyCollection<string> replicas)
    {
        foreach (var key in _readings.Keys.Where(k => !replicas.Contains(k)))
        {
            _readings.TryRemove(key, out _);
        }
    }

    private sealed record Stamped(ReplicaEstimate Estimate, long ReadAt);
}

/// <summary>A replica's last reading and the requests the gateway had in flight there when it was scraped.</summary>
public sealed record ReplicaEstimate(ReplicaLoad Reading, int InFlightAtReading)
{
    /// <summary>
    /// The queue the replica probably has now, given the gateway's in-flight count for it. A replica that was not
    /// queueing admits what it is sent (until the next reading says otherwise), so its queue stays 0 and in-flight
    /// counts decide. One that was queueing queues each request sent since and admits one for each that finished:
    /// without this a burst between two scrapes would all go to the replica whose reading looked shortest.
    /// </summary>
    public double WaitingNow(int inFlightNow) =>
        Reading.Waiting <= 0 ? 0 : Math.Max(0, Reading.Waiting + inFlightNow - InFlightAtReading);
}
