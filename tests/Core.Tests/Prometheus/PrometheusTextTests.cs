using GpuBench.Core.Prometheus;

namespace GpuBench.Core.Tests.Prometheus;

public class PrometheusTextTests
{
    [Fact]
    public void Samples_keep_names_with_colons_quoted_labels_and_special_values()
    {
        const string text = """
            # HELP vllm:num_requests_running Number of requests in model execution batches.
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{engine="0",model_name="Qwen/Qwen3-0.6B"} 3.0
            vllm:e2e_request_latency_seconds_bucket{le="+Inf",model_name="a \"b\", c"} 12
            process_start_time_seconds 1.7e9 1732780800000
            weird_gauge NaN
            """;

        var samples = PrometheusText.Parse(text);

        Assert.Equal(4, samples.Count);
        Assert.Equal("vllm:num_requests_running", samples[0].Name);
        Assert.Equal("Qwen/Qwen3-0.6B", samples[0].Labels["model_name"]);
        Assert.Equal(3.0, samples[0].Value);
        Assert.Equal("+Inf", samples[1].Labels["le"]);
        Assert.Equal("a \"b\", c", samples[1].Labels["model_name"]);
        Assert.Equal(1.7e9, samples[2].Value);
        Assert.True(double.IsNaN(samples[3].Value));
    }

    [Theory]
    [InlineData("vllm:num_requests_waiting{engine=\"0\",model_name=\"Qwen")]
    [InlineData("vllm:num_requests_waiting{engine=")]
    [InlineData("vllm:num_requests_waiting{engine")]
    [InlineData("vllm:num_requests_waiting{")]
    public void A_truncated_line_is_skipped_and_the_lines_around_it_are_kept(string truncated)
    {
        var samples = PrometheusText.Parse($"vllm:num_requests_running 2\n{truncated}\nvllm:kv_cache_usage_perc 0.5\n");

        Assert.Equal([("vllm:num_requests_running", 2.0), ("vllm:kv_cache_usage_perc", 0.5)], samples.Select(s => (s.Name, s.Value)));
    }
}
