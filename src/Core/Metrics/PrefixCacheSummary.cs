using System.Text.Json.Serialization;

namespace GpuBench.Core.Metrics;

/// <summary>
/// The engines' prefix cache over a run's timed window: the growth of vLLM's <c>vllm:prefix_cache_queries</c> and
/// <c>vllm:prefix_cache_hits</c> counters (tokens looked up, tokens found cached), summed over replicas.
/// </summary>
public sealed record PrefixCacheSummary(
    [property: JsonPropertyName("queries")] long Queries,
    [property: JsonPropertyName("hits")] long Hits)
{
    /// <summary>Hits over queries; 0 when nothing was looked up.</summary>
    [JsonPropertyName("hit_rate")]
    public double HitRate => Queries > 0 ? (double)Hits / Queries : 0;
}
