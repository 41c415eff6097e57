using GpuBench.Core.Prometheus;
using GpuBench.Gateway.EngineLoad;

namespace GpuBench.Gateway.Tests.EngineLoad;

public sealed class ReplicaLoadTests
{
    [Fact]
    public void Data_parallel_engines_add_their_queues_and_average_their_kv_use()
    {
        var load = ReplicaLoad.From(PrometheusText.Parse("""
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting{engine="0",model_name="m"} 3.0
            vllm:num_requests_waiting{engine="1",model_name="m"} 4.0
            vllm:num_requests_running{engine="0",model_name="m"} 8.0
            vllm:num_requests_running{engine="1",model_name="m"} 2.0
            vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.9
            vllm:kv_cache_usage_perc{engine="1",model_name="m"} 0.5
            """));

        Assert.Equal(new ReplicaLoad(7, 10, 0.7), load! with { KvCacheUsage = Math.Round(load.KvCacheUsage, 6) });
    }

    [Fact]
    public void Older_vllm_kv_gauge_name_is_read_too() =>
        Assert.Equal(0.25, ReplicaLoad.From(PrometheusText.Parse("vllm:num_requests_waiting 0\nvllm:gpu_cache_usage_perc 0.25\n"))!.KvCacheUsage);

    [Fact]
    public void Metrics_without_a_queue_gauge_give_no_reading() =>
        Assert.Null(ReplicaLoad.From(PrometheusText.Parse("process_cpu_seconds_total 12\nvllm:kv_cache_usage_perc 0.5\n")));
}
