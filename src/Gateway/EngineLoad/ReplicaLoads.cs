using System.Collections.Concurrent;

namespace GpuBench.Gateway.EngineLoad;

/// <summary>
/// The latest /metrics reading of each replica (keyed by its address, the YARP destination id) and how many requests
/// the gateway sent it since that reading was taken. The scraper writes, the queue-aware policy reads.
/// </summary>
public sealed class ReplicaLoads(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>A reading older than this is not trusted (the replica stopped answering /metrics).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The replica's load as of now: the last fresh reading, or null when there is none.</summary>
    public ReplicaEstimate? Estimate(string replica)
    {
        if (!_entries.TryGetValue(replica, out var entry) || entry.Reading is not { } reading)
        {
            return null;
        }

        if (time.GetElapsedTime(entry.ReadAt) > MaxAge)
        {
            return null;
        }

        return new ReplicaEstimate(reading, Volatile.Read(ref entry.SentSinceReading));
    }

    /// <summary>Counts a request the policy just sent to the replica.</summary>
    public void Sent(string replica) => Interlocked.Increment(ref EntryOf(replica).SentSinceReading);

    /// <summary>
    /// Marks the start of a scrape: returns the number of requests sent so far, which the reading will reflect once
    /// it arrives. Requests sent while the scrape is on its way stay counted on top of it.
    /// </summary>
    public long ScrapeStarting(string replica) => Volatile.Read(ref EntryOf(replica).SentSinceReading);

    /// <summary>Stores a reading (null: the scrape failed) taken after <paramref name="sentBefore"/> sends.</summary>
    public void Store(string replica, ReplicaLoad? reading, long sentBefore)
    {
        var entry = EntryOf(replica);
        if (reading is null)
        {
            entry.Reading = null;
            return;
        }

        Interlocked.Add(ref entry.SentSinceReading, -sentBefore);
        entry.ReadAt = time.GetTimestamp();
        entry.Reading = reading;
    }

    /// <summary>Forgets replicas that are no longer in the deployment.</summary>
    public void Retain(IReadOnlyCollection<string> replicas)
    {
        foreach (var key in _entries.Keys.Where(k => !replicas.Contains(k)))
        {
            _entries.TryRemove(key, out _);
        }
    }

    private Entry EntryOf(string replica) => _entries.GetOrAdd(replica, static _ => new Entry());

    private sealed class Entry
    {
        public long SentSinceReading;
        public long ReadAt;
        public volatile ReplicaLoad? Reading;
    }
}

/// <summary>A replica's last reading plus the requests sent to it since, which the reading cannot show yet.</summary>
public sealed record ReplicaEstimate(ReplicaLoad Reading, long SentSinceReading)
{
    /// <summary>
    /// The queue the replica probably has now. A request sent since the reading is counted as queued: between two
    /// scrapes a burst would otherwise all go to the replica that looked emptiest.
    /// </summary>
    public double Waiting => Reading.Waiting + Math.Max(0, SentSinceReading);
}
