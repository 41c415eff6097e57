namespace GpuBench.Simulator.Serving;

/// <summary>
/// How late chunks reach the socket: written time minus the engine time the token was due, over every chunk.
/// This is the simulator's own timing error, reported by /sim/stats and the capacity benchmark. Buckets are
/// 0.1 ms wide up to 20 ms, so percentiles in the range that matters (a few ms) are read to 0.1 ms.
/// </summary>
public sealed class EmissionStats
{
    private const double FineWidthMs = 0.1;
    private const int FineBuckets = 200;
    private static readonly double[] CoarseBoundsMs = [25, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000];

    private readonly Lock _lock = new();
    private readonly long[] _buckets = new long[FineBuckets + CoarseBoundsMs.Length + 1];
    private long _count;
    private double _sumMs;
    private double _maxMs;

    /// <summary>Every bucket's upper bound in ms, in order; the last bucket (above them all) has none.</summary>
    public static IReadOnlyList<double> UpperBoundsMs { get; } =
        [.. Enumerable.Range(1, FineBuckets).Select(i => Math.Round(i * FineWidthMs, 1)), .. CoarseBoundsMs];

    /// <summary>Records the chunks of one write: each due time's lateness at <paramref name="writtenSeconds"/>.</summary>
    public void Record(double writtenSeconds, ReadOnlySpan<double> dueSeconds)
    {
        lock (_lock)
        {
            foreach (var due in dueSeconds)
            {
                Add((writtenSeconds - due) * 1000);
            }
        }
    }

    public EmissionSummary Snapshot()
    {
        lock (_lock)
        {
            return new EmissionSummary(_count, _count == 0 ? 0 : _sumMs / _count,
                Percentile(_buckets, 0.5, _maxMs), Percentile(_buckets, 0.99, _maxMs), Percentile(_buckets, 0.999, _maxMs), _maxMs);
        }
    }

    /// <summary>Chunks per bucket (see <see cref="UpperBoundsMs"/>) and the sum of all lateness in ms, so that a reader can take the difference of two reads.</summary>
    public (long[] Counts, double SumMs) Histogram()
    {
        lock (_lock)
        {
            return ([.. _buckets], _sumMs);
        }
    }

    private void Add(double ms)
    {
        ms = Math.Max(0, ms);
        _buckets[Bucket(ms)]++;
        _count++;
        _sumMs += ms;
        _maxMs = Math.Max(_maxMs, ms);
    }

    private static int Bucket(double ms)
    {
        if (ms < FineBuckets * FineWidthMs)
        {
            // Upper bounds are inclusive, as Prometheus' le.
            return Math.Max(0, (int)Math.Ceiling(ms / FineWidthMs) - 1);
        }

        var index = Array.BinarySearch(CoarseBoundsMs, ms);
        return FineBuckets + (index >= 0 ? index : ~index);
    }

    /// <summary>
    /// The upper bound of the bucket holding percentile <paramref name="p"/> of <paramref name="counts"/> (a
    /// conservative figure); <paramref name="overflowMs"/> when it lies above the last bound; 0 with no chunks.
    /// </summary>
    public static double Percentile(IReadOnlyList<long> counts, double p, double overflowMs)
    {
        var target = (long)Math.Ceiling(counts.Sum() * p);
        long seen = 0;
        for (var i = 0; i < counts.Count && target > 0; i++)
        {
            seen += counts[i];
            if (seen >= target)
            {
                return i < UpperBoundsMs.Count ? UpperBoundsMs[i] : overflowMs;
            }
        }

        return 0;
    }
}

/// <summary>Chunk lateness in milliseconds; percentiles are bucket upper bounds.</summary>
public sealed record EmissionSummary(long Chunks, double MeanMs, double P50Ms, double P99Ms, double P999Ms, double MaxMs);
