using GpuBench.Agent.Telemetry;
using GpuBench.Core.Prometheus;

namespace GpuBench.Agent.Tests.Telemetry;

public class EngineMetricsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);

    private static string Scrape(double running, double kv, double generated, double preemptions) => $"""
        vllm:num_requests_running{"{"}engine="0",model_name="m"{"}"} {running}
        vllm:num_requests_running{"{"}engine="1",model_name="m"{"}"} 1
        vllm:num_requests_waiting{"{"}engine="0",model_name="m"{"}"} 0
        vllm:kv_cache_usage_perc{"{"}engine="0",model_name="m"{"}"} {kv}
        vllm:generation_tokens_total{"{"}engine="0",model_name="m"{"}"} {generated}
        vllm:num_preemptions_total{"{"}engine="0",model_name="m"{"}"} {preemptions}
        """;

    [Fact]
    public void Gauges_sum_over_engines_kv_cache_is_a_percentage_and_token_counters_become_rates()
    {
        var reader = new EngineMetrics();

        var first = reader.Read(PrometheusText.Parse(Scrape(3, 0.25, 1000, 2)), T0);
        var second = reader.Read(PrometheusText.Parse(Scrape(5, 0.5, 3000, 7)), T0.AddSeconds(2));

        Assert.DoesNotContain(first, f => f.Name == "engine.generation.throughput");
        Assert.Contains(("engine.requests.running", "{request}", 4.0), first);
        Assert.Contains(("engine.kv_cache.usage", "%", 25.0), first);
        Assert.Contains(("engine.generation.throughput", "tok/s", 1000.0), second);
        Assert.Contains(("engine.preemptions", "{preemption}", 5.0), second);
    }

    [Fact]
    public void A_counter_that_goes_down_after_an_engine_restart_gives_no_negative_rate()
    {
        var reader = new EngineMetrics();
        reader.Read(PrometheusText.Parse(Scrape(1, 0, 5000, 0)), T0);

        var after = reader.Read(PrometheusText.Parse(Scrape(1, 0, 10, 0)), T0.AddSeconds(1));

        Assert.DoesNotContain(after, f => f.Name == "engine.generation.throughput");
    }

    [Fact]
    public void An_image_publishing_the_old_and_the_new_kv_cache_gauge_is_recorded_once_under_the_new()
    {
        var both = PrometheusText.Parse("""
            vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.4
            vllm:gpu_cache_usage_perc{engine="0",model_name="m"} 0.4
            """);
        var old = PrometheusText.Parse("""vllm:gpu_cache_usage_perc{engine="0",model_name="m"} 0.3""");

        Assert.Equal([40.0], new EngineMetrics().Read(both, T0).Where(f => f.Name == "engine.kv_cache.usage").Select(f => f.Value));
        Assert.Equal([30.0], new EngineMetrics().Read(old, T0).Where(f => f.Name == "engine.kv_cache.usage").Select(f => f.Value));
    }
}
