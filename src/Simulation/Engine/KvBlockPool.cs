namespace GpuBench.Simulation.Engine;

/// <summary>
/// The paged KV cache with vLLM V1's automatic prefix caching (vllm/v1/core/block_pool.py, kv_cache_manager.py):
/// a fixed number of blocks of BlockSize tokens; every full block a request computes is registered under the chained
/// hash of its tokens (the hash of the previous block and this block's token ids), so a later request whose prompt
/// starts with the same tokens takes those blocks instead of computing them. A block goes back to the free queue
/// when no request uses it, keeping its contents and hash until it is handed out again: least recently freed first,
/// and a request frees its blocks last block first, so a prompt's tail is evicted before its head.
/// </summary>
/// <remarks>
/// Requests without token ids (the predictor's) get hashes of their own, so they share nothing but still find their
/// own blocks when they are readmitted after a preemption, as in vLLM. Blocks are hashed from the prompt's ids; the
/// tokens a request generates are not known here, so blocks past its prompt are its own too (vLLM caches those as
/// well, which a following turn shares only when the client sends the exact tokens back).
/// </remarks>
public sealed class KvBlockPool
{
    private readonly Block[] _blocks;
    private readonly LinkedList<int> _free = new();
    private readonly Dictionary<ulong, int> _cached = [];
    private long _requestSerial;

    public KvBlockPool(int totalBlocks, int blockSize)
    {
        TotalBlocks = totalBlocks;
        BlockSize = blockSize;
        _blocks = new Block[totalBlocks];
        for (var i = 0; i < totalBlocks; i++)
        {
            _blocks[i] = new Block();
            _blocks[i].FreeNode = _free.AddLast(i);
        }
    }

    public int TotalBlocks { get; }
    public int BlockSize { get; }
    public int FreeBlocks => _free.Count;
    public int UsedBlocks => TotalBlocks - FreeBlocks;

    /// <summary>vLLM's kv_cache_usage_perc, as a fraction in [0, 1].</summary>
    public double Usage => TotalBlocks == 0 ? 0 : (double)UsedBlocks / TotalBlocks;

    /// <summary>vLLM's <c>vllm:prefix_cache_queries</c>: tokens of the requests looked up in the cache.</summary>
    public long PrefixCacheQueries { get; private set; }

    /// <summary>vLLM's <c>vllm:prefix_cache_hits</c>: of those, tokens found cached.</summary>
    public long PrefixCacheHits { get; private set; }

    public int BlocksFor(int tokens) => (tokens + BlockSize - 1) / BlockSize;

    /// <summary>Grows the request's allocation to hold <paramref name="tokens"/> tokens, all or nothing, and caches its newly full blocks.</summary>
    public bool TryReserve(EngineRequest request, int tokens)
    {
        ArgumentNullException.ThrowIfNull(request);
        var needed = BlocksFor(tokens) - request.BlockIds.Count;
        if (needed > FreeBlocks)
        {
            return false;
        }

        for (var i = 0; i < needed; i++)
        {
            request.BlockIds.Add(TakeFree());
        }

        // As vLLM's allocate_slots: the blocks the scheduled tokens fill are cached as soon as they are scheduled.
        var full = Math.Min(tokens / BlockSize, request.BlockIds.Count);
        for (; request.HashedBlocks < full; request.HashedBlocks++)
        {
            var hash = HashOf(request, request.HashedBlocks);
            var id = request.BlockIds[request.HashedBlocks];
            if (_blocks[id].Hash is null && _cached.TryAdd(hash, id))
            {
                _blocks[id].Hash = hash;
            }
        }

        return true;
    }

    /// <summary>Gives back the request's blocks: last block first to the free queue's end, contents kept for reuse.</summary>
    public void Release(EngineRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        for (var i = request.BlockIds.Count - 1; i >= 0; i--)
        {
            var block = _blocks[request.BlockIds[i]];
            if (--block.References == 0)
            {
                block.FreeNode = _free.AddLast(request.BlockIds[i]);
            }
        }

        request.BlockIds.Clear();
        request.HashedBlocks = 0;
    }

    /// <summary>
    /// For a request admitted with nothing computed: takes the longest run of its leading blocks found in the cache
    /// and returns how many tokens they hold (at least one token is always left to compute, as in vLLM), counting
    /// the lookup in <see cref="PrefixCacheQueries"/> and <see cref="PrefixCacheHits"/>.
    /// </summary>
    public int ReclaimCachedPrefix(EngineRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.BlockIds.Count > 0)
        {
            return 0;
        }

        var limit = (request.TotalTokens - 1) / BlockSize;
        for (var b = 0; b < limit && _cached.TryGetValue(HashOf(request, b), out var id); b++)
        {
            var block = _blocks[id];
            if (block.References++ == 0)
            {
                _free.Remove(block.FreeNode!);
                block.FreeNode = null;
            }

            request.BlockIds.Add(id);
        }

        request.HashedBlocks = request.BlockIds.Count;
        var tokens = request.BlockIds.Count * BlockSize;
        PrefixCacheQueries += request.TotalTokens;
        PrefixCacheHits += tokens;
        return tokens;
    }

    private int TakeFree()
    {
        var id = _free.First!.Value;
        _free.RemoveFirst();
        var block = _blocks[id];
        block.FreeNode = null;
        block.References = 1;
        if (block.Hash is { } hash)
        {
            // Evicted: its contents are overwritten.
            _cached.Remove(hash);
            block.Hash = null;
        }

        return id;
    }

    /// <summary>Block <paramref name="index"/>'s chained hash: of the prompt's token ids where the block is all prompt, else the request's own.</summary>
    private ulong HashOf(EngineRequest request, int index)
    {
        var hashes = request.BlockHashes ??= [];
        while (hashes.Count <= index)
        {
            var b = hashes.Count;
            var parent = b == 0 ? 0xcbf29ce484222325UL : hashes[b - 1];
            var ids = request.PromptTokenIds;
            if (ids is not null && (b + 1) * BlockSize <= ids.Count)
            {
                var h = parent;
                for (var t = b * BlockSize; t < (b + 1) * BlockSize; t++)
                {
                    h = Mix(h ^ (uint)ids[t]);
                }

                hashes.Add(h);
            }
            else
            {
                request.Serial = request.Serial == 0 ? ++_requestSerial : request.Serial;
                hashes.Add(Mix(Mix(parent ^ 0x9E3779B97F4A7C15UL) ^ (ulong)request.Serial));
            }
        }

        return hashes[index];
    }

    // SplitMix64's finaliser: a well-spread 64-bit hash step.
    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    private sealed class Block
    {
        public int References { get; set; }

        public ulong? Hash { get; set; }

        public LinkedListNode<int>? FreeNode { get; set; }
    }
}
