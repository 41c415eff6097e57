namespace GpuBench.Simulation.Engine;

/// <summary>
/// The paged KV cache: a fixed number of blocks of BlockSize tokens, handed to requests as they grow.
/// </summary>
/// <remarks>
/// Models vLLM V1's prefix cache the one way it matters for random prompts: freed blocks keep their contents
/// until reused, and the free queue hands out the least recently freed block first. A preempted request freed
/// last-block-first, so when it is readmitted the leading blocks that nobody reused yet are hits and are not
/// recomputed. Positions in the free queue are counted, not stored: blocks freed at positions
/// [start, start + n) survive while the allocation cursor is below their position.
/// </remarks>
public sealed class KvBlockPool(int totalBlocks, int blockSize)
{
    private long _allocationCursor;
    private long _releaseCursor = totalBlocks;

    public int TotalBlocks { get; } = totalBlocks;
    public int BlockSize { get; } = blockSize;
    public int FreeBlocks { get; private set; } = totalBlocks;
    public int UsedBlocks => TotalBlocks - FreeBlocks;

    /// <summary>vLLM's kv_cache_usage_perc, as a fraction in [0, 1].</summary>
    public double Usage => TotalBlocks == 0 ? 0 : (double)UsedBlocks / TotalBlocks;

    public long PrefixHitTokens { get; private set; }

    public int BlocksFor(int tokens) => (tokens + BlockSize - 1) / BlockSize;

    /// <summary>Grows the request's allocation to hold <paramref name="tokens"/> tokens, all or nothing.</summary>
    public bool TryReserve(EngineRequest request, int tokens)
    {
        var needed = BlocksFor(tokens) - request.Blocks;
        if (needed <= 0)
        {
            return true;
        }

        if (needed > FreeBlocks)
        {
            return false;
        }

        FreeBlocks -= needed;
        request.Blocks += needed;
        _allocationCursor += needed;
        return true;
    }

    public void Release(EngineRequest request)
    {
        request.CachedFrom = _releaseCursor;
        request.CachedBlocks = request.Blocks;
        _releaseCursor += request.Blocks;
        FreeBlocks += request.Blocks;
        request.Blocks = 0;
    }

    /// <summary>
    /// For a request being readmitted with nothing computed: takes back its leading blocks still in the cache and
    /// returns how many tokens they hold (at least one token is always left to compute, as in vLLM).
    /// </summary>
    public int ReclaimCachedPrefix(EngineRequest request)
    {
        if (request.CachedBlocks == 0 || request.Blocks > 0)
        {
            return 0;
        }

        var end = request.CachedFrom + request.CachedBlocks;
        var surviving = (int)Math.Clamp(end - Math.Max(_allocationCursor, request.CachedFrom), 0, request.CachedBlocks);
        surviving = Math.Min(surviving, (request.TotalTokens - 1) / BlockSize);
        request.CachedBlocks = 0;
        if (surviving <= 0)
        {
            return 0;
        }

        FreeBlocks -= surviving;
        request.Blocks = surviving;
        var tokens = surviving * BlockSize;
        PrefixHitTokens += tokens;
        return tokens;
    }
}
