using System.Runtime;

namespace GpuBench.LoadGen.Runtime;

/// <summary>
/// Keeps the garbage collector out of the timed window as far as the runtime allows. A collection pauses every
/// stream at once, and every chunk that arrives during the pause is stamped late, so pauses, not the parser, set
/// the client's p99 ITL error (bench/ClientFidelity/README.md). On entry:
/// 1. one full, blocking, compacting collection, so the garbage of the dataset build (and of whatever ran before)
///    is not collected while streams are timed (vLLM's client does the same with gc.collect + gc.freeze);
/// 2. <see cref="GCLatencyMode.SustainedLowLatency"/>: no blocking full collections during the window;
/// 3. a no-GC region as large as the window is expected to allocate (capped at an eighth of the memory the GC may
///    use, and at 1 GiB): the runtime commits that memory up front and collects nothing until it is used up, after
///    which collections resume as under 2.
/// The collections and pause time from entry to dispose are what the window itself cost. The latency mode and
/// the region are process-wide: the previous mode is restored on dispose, and when two windows overlap (two runs
/// in one process) the second changes nothing, so the first keeps its region.
/// </summary>
public sealed class QuietGcWindow : IDisposable
{
    /// <summary>
    /// Allowance for one request's managed allocations besides its chunks, with headroom; a run that allocates more
    /// than its region collects again, which its client_gc_collections and client_gc_pause_ms show.
    /// </summary>
    public const long BytesPerRequest = 32 * 1024;

    /// <summary>Allowance for one SSE chunk (mostly SocketsHttpHandler's read state; the parser itself allocates nothing per chunk).</summary>
    public const long BytesPerChunk = 512;

    private const long MinRegion = 16L << 20;
    private const long MaxRegion = 1L << 30;

    private readonly GCLatencyMode _previous;
    private readonly int _collections;
    private readonly TimeSpan _pause;
    private bool _disposed;

    private QuietGcWindow(long expectedBytes)
    {
        _previous = GCSettings.LatencyMode;
        (_collections, _pause) = (GC.CollectionCount(0), GC.GetTotalPauseDuration());
        if (_previous == GCLatencyMode.NoGCRegion)
        {
            return;  // Another window of this process holds a region, which a collection here would end: leave it be.
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        TrySetLatencyMode(GCLatencyMode.SustainedLowLatency);
        var cap = Math.Min(MaxRegion, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8);
        for (var size = Math.Clamp(expectedBytes, MinRegion, Math.Max(MinRegion, cap)); size >= MinRegion && NoGcRegionBytes == 0; size /= 2)
        {
            try
            {
                NoGcRegionBytes = GC.TryStartNoGCRegion(size) ? size : 0;
            }
            catch (ArgumentOutOfRangeException)
            {
                // Larger than this runtime allows for a region (its limit depends on the GC mode): try half.
            }
            catch (InvalidOperationException)
            {
                // A window that overlaps this one started its region after the check above: it keeps it.
                break;
            }
        }

        (_collections, _pause) = (GC.CollectionCount(0), GC.GetTotalPauseDuration());
    }

    /// <summary>Size of the no-GC region that was granted; 0 when none was.</summary>
    public long NoGcRegionBytes { get; }

    /// <summary>Collections of any generation since entry.</summary>
    public int Collections => GC.CollectionCount(0) - _collections;

    /// <summary>Time the runtime was paused for collections since entry.</summary>
    public TimeSpan Pause => GC.GetTotalPauseDuration() - _pause;

    /// <param name="requests">Requests the window will send.</param>
    /// <param name="chunks">Chunks it expects to receive (one per output token at most).</param>
    public static QuietGcWindow Enter(long requests, long chunks) =>
        new((long)((requests * BytesPerRequest + chunks * BytesPerChunk) * 1.25));

    /// <summary>Ends the window (safe to call twice).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (NoGcRegionBytes > 0 && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            try
            {
                GC.EndNoGCRegion();
            }
            catch (InvalidOperationException)
            {
                // The region ended on its own (it was used up, or something induced a collection): nothing to end.
            }
        }

        TrySetLatencyMode(_previous);
    }

    /// <summary>The runtime refuses a new latency mode while a no-GC region is in progress (another window's).</summary>
    private static void TrySetLatencyMode(GCLatencyMode mode)
    {
        try
        {
            if (mode != GCLatencyMode.NoGCRegion)
            {
                GCSettings.LatencyMode = mode;
            }
        }
        catch (InvalidOperationException)
        {
            // Left as it is; the region's owner restores its own mode when it ends.
        }
    }
}
