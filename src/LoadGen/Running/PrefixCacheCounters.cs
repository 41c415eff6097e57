using GpuBench.Core.Metrics;
using GpuBench.Core.Prometheus;
using GpuBench.Core.Tracing;

namespace GpuBench.LoadGen.Running;

/// <summary>
/// Reads vLLM's <c>vllm:prefix_cache_queries_total</c> and <c>vllm:prefix_cache_hits_total</c> from the engines'
/// /metrics, summed over every series and engine, so that a run can report the prefix-cache hit rate of its timed
/// window. An engine that cannot be read, or publishes neither counter, leaves the reading null.
/// </summary>
public static class PrefixCacheCounters
{
    private const string Queries = "vllm:prefix_cache_queries_total";
    private const string Hits = "vllm:prefix_cache_hits_total";

    public static async Task<PrefixCacheSummary?> ReadAsync(HttpClient http, IReadOnlyList<Uri> metricsUrls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(metricsUrls);
        if (metricsUrls.Count == 0)
        {
            return null;
        }

        long queries = 0, hits = 0;
        foreach (var url in metricsUrls)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.MarkUntraced();
                using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    return null;
                }

                var samples = PrometheusText.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
                if (!samples.Any(s => s.Name == Queries))
                {
                    return null;
                }

                queries += (long)samples.Where(s => s.Name == Queries).Sum(s => s.Value);
                hits += (long)samples.Where(s => s.Name == Hits).Sum(s => s.Value);
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }

        return new PrefixCacheSummary(queries, hits);
    }

    /// <summary>What the window added: after − before, or null when either reading is missing or a counter went back (a restart).</summary>
    public static PrefixCacheSummary? Delta(PrefixCacheSummary? before, PrefixCacheSummary? after) =>
        before is null || after is null || after.Queries < before.Queries || after.Hits < before.Hits
            ? null
            : new PrefixCacheSummary(after.Queries - before.Queries, after.Hits - before.Hits);
}
