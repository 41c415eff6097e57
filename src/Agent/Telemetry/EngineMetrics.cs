using GpuBench.Core.Prometheus;

namespace GpuBench.Agent.Telemetry;

/// <summary>
/// Picks the engine figures worth a run's result out of vLLM's /metrics: queue and batch sizes, KV-cache use,
/// and token throughput (from the token counters, as a rate between two scrapes). Series of one name (several
/// engines or models) are summed. The same names serve the simulator, which mirrors vLLM's.
/// </summary>
public sealed class EngineMetrics
{
    private static readonly (string Prometheus, string Name, string Unit, double Scale)[] Gauges =
    [
        ("vllm:num_requests_running", "engine.requests.running", "{request}", 1),
        ("vllm:num_requests_waiting", "engine.requests.waiting", "{request}", 1),
        ("vllm:kv_cache_usage_perc", "engine.kv_cache.usage", "%", 100),
        // Name before vLLM v0.10.
        ("vllm:gpu_cache_usage_perc", "engine.kv_cache.usage", "%", 100),
    ];

    private static readonly (string Prometheus, string Name, string Unit)[] Rates =
    [
        ("vllm:generation_tokens_total", "engine.generation.throughput", "tok/s"),
        ("vllm:prompt_tokens_total", "engine.prompt.throughput", "tok/s"),
    ];

    private const string Preemptions = "vllm:num_preemptions_total";

    private (DateTimeOffset At, Dictionary<string, double> Counters)? _previous;
    private double? _firstPreemptions;

    /// <summary>Reads one scrape; rates appear from the second scrape on.</summary>
    public IReadOnlyList<(string Name, string Unit, double Value)> Read(IReadOnlyList<PrometheusSample> samples, DateTimeOffset at)
    {
        var sums = samples.GroupBy(s => s.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.Value), StringComparer.Ordinal);
        var figures = new List<(string, string, double)>();
        // Images that publish a figure under both its old and new name count it once, under the new one.
        foreach (var gauge in Gauges.Where(g => sums.ContainsKey(g.Prometheus)).DistinctBy(g => g.Name))
        {
            figures.Add((gauge.Name, gauge.Unit, sums[gauge.Prometheus] * gauge.Scale));
        }

        var counters = Rates.Where(r => sums.ContainsKey(r.Prometheus)).ToDictionary(r => r.Prometheus, r => sums[r.Prometheus]);
        if (_previous is { } previous && at > previous.At)
        {
            var seconds = (at - previous.At).TotalSeconds;
            foreach (var rate in Rates.Where(r => counters.ContainsKey(r.Prometheus) && previous.Counters.ContainsKey(r.Prometheus)))
            {
                // A counter that went down means the engine restarted; skip that interval rather than report a negative rate.
                var delta = counters[rate.Prometheus] - previous.Counters[rate.Prometheus];
                if (delta >= 0)
                {
                    figures.Add((rate.Name, rate.Unit, delta / seconds));
                }
            }
        }

        _previous = (at, counters);

        if (sums.TryGetValue(Preemptions, out var preemptions))
        {
            _firstPreemptions ??= preemptions;
            figures.Add(("engine.preemptions", "{preemption}", preemptions - _firstPreemptions.Value));
        }

        return figures;
    }
}
