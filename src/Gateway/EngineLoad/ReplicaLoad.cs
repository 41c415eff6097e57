using GpuBench.Core.Prometheus;

namespace GpuBench.Gateway.EngineLoad;

/// <summary>What one replica's /metrics said at one scrape: its queue, its running batch and its KV cache use (0–1).</summary>
public sealed record ReplicaLoad(double Waiting, double Running, double KvCacheUsage)
{
    public const string WaitingMetric = "vllm:num_requests_waiting";
    public const string RunningMetric = "vllm:num_requests_running";
    public const string KvCacheMetric = "vllm:kv_cache_usage_perc";

    // vLLM before 0.10 named the KV gauge this way.
    public const string LegacyKvCacheMetric = "vllm:gpu_cache_usage_perc";

    /// <summary>
    /// Reads a scrape. A data-parallel replica reports one series per engine: queues add up, KV use is averaged.
    /// Null when the text has no queue gauge at all (not a vLLM-like engine), so the replica is balanced without it.
    /// </summary>
    public static ReplicaLoad? From(IReadOnlyList<PrometheusSample> samples)
    {
        var waiting = Values(samples, WaitingMetric);
        if (waiting.Count == 0)
        {
            return null;
        }

        var kv = Values(samples, KvCacheMetric);
        if (kv.Count == 0)
        {
            kv = Values(samples, LegacyKvCacheMetric);
        }

        return new ReplicaLoad(waiting.Sum(), Values(samples, RunningMetric).Sum(), kv.Count == 0 ? 0 : kv.Average());
    }

    private static List<double> Values(IReadOnlyList<PrometheusSample> samples, string name) =>
        samples.Where(s => s.Name == name && double.IsFinite(s.Value)).Select(s => s.Value).ToList();
}
