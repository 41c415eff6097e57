using GpuBench.Core.Hardware;
using GpuBench.Simulation.Engine;
using GpuBench.Simulation.Performance;
using GpuBench.Simulation.Profiles;

namespace GpuBench.Simulation.Tests.Engine;

/// <summary>vLLM's automatic prefix caching: full 16-token blocks hashed from the prompt, shared, evicted least recently freed first.</summary>
public class PrefixCacheTests
{
    private static int[] Ids(int count, int start = 1000) => [.. Enumerable.Range(start, count)];

    private static EngineRequest Request(int[] ids, int maxTokens = 4) => new($"r{ids[0]}-{ids.Length}", ids.Length, maxTokens, promptTokenIds: ids);

    /// <summary>Admits a request the way the scheduler does: cached prefix first, then blocks for the rest of its prompt.</summary>
    private static int Admit(KvBlockPool pool, EngineRequest request)
    {
        var hit = pool.ReclaimCachedPrefix(request);
        Assert.True(pool.TryReserve(request, request.PromptTokens));
        return hit;
    }

    [Fact]
    public void A_repeated_prompt_hits_its_full_blocks_and_the_counters_count_tokens()
    {
        var pool = new KvBlockPool(16, 16);

        Assert.Equal(0, Admit(pool, Request(Ids(40))));
        Assert.Equal(32, Admit(pool, Request(Ids(40))));                          // 2 full blocks of 16; the last 8 tokens are no full block
        Assert.Equal(16, Admit(pool, Request([.. Ids(16), .. Ids(24, 5000)])));  // only the first block is the same

        Assert.Equal(40 + 40 + 40, pool.PrefixCacheQueries);
        Assert.Equal(32 + 16, pool.PrefixCacheHits);
    }

    [Fact]
    public void At_least_one_token_is_computed_when_the_whole_prompt_is_cached()
    {
        var pool = new KvBlockPool(16, 16);
        Admit(pool, Request(Ids(32)));

        Assert.Equal(16, Admit(pool, Request(Ids(32))));   // (32 − 1) / 16 = 1 block
    }

    [Fact]
    public void Shared_blocks_are_held_once_and_freed_blocks_keep_their_contents_until_reused()
    {
        var pool = new KvBlockPool(8, 16);
        var first = Request(Ids(48));
        Admit(pool, first);
        var second = Request(Ids(48));
        Admit(pool, second);

        Assert.Equal(3 + 1, pool.UsedBlocks);      // 2 shared blocks, the first's third, and the second's own third
        pool.Release(first);
        pool.Release(second);
        Assert.Equal(0, pool.UsedBlocks);
        Assert.Equal(32, Admit(pool, Request(Ids(48))));
    }

    [Fact]
    public void Eviction_takes_the_least_recently_freed_block_and_a_prompts_tail_before_its_head()
    {
        // Free queue [0 1 2 3]. A takes 0 1 and frees them last block first: [2 3 1 0]. B's three blocks are 2 3 1, so
        // A's second block is evicted and its first survives.
        var pool = new KvBlockPool(4, 16);
        var a = Request(Ids(33));
        Admit(pool, a);
        pool.Release(a);
        Admit(pool, Request(Ids(48, 7000)));

        Assert.Equal(16, pool.ReclaimCachedPrefix(Request(Ids(33))));
    }

    [Fact]
    public void A_shared_prefix_gives_faster_first_tokens_in_the_engine()
    {
        var gpu = GpuCatalog.Default.Get("h200");
        var model = ModelCatalog.Default.Get("QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ");
        var engine = new EngineCore(new ReplicaModel(gpu, model, new EngineOptions { MaxModelLen = 8192 }.Resolve(gpu, model)));
        double Ttft(EngineRequest request, double at)
        {
            engine.Add(request, at);
            var outputs = new List<TokenOutput>();
            engine.Advance(at, outputs);
            while (engine.NextEventTime is { } next)
            {
                engine.Advance(next, outputs);
            }

            return request.FirstTokenTime - request.ArrivalTime;
        }

        var cold = Ttft(Request(Ids(4000)), 0);
        var warm = Ttft(Request(Ids(4000)), 10);

        Assert.True(warm < cold / 5, $"TTFT {warm * 1000:F1} ms with the prefix cached, {cold * 1000:F1} ms without");
        Assert.Equal(3984, engine.Pool.PrefixCacheHits);
    }
}
