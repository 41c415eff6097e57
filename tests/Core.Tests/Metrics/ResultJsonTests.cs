using System.Text.Json;
using GpuBench.Core.Metrics;

namespace GpuBench.Core.Tests.Metrics;

public class ResultJsonTests
{
    [Fact]
    public void Result_json_uses_vllm_field_names_with_gpubench_figures_apart()
    {
        var records = new[]
        {
            new RequestRecord { Index = 0, StartS = 0, TtftS = 0.1, ItlS = [0.02, 0.03], E2elS = 0.15, PromptTokens = 5, OutputTokens = 3, Success = true },
            new RequestRecord { Index = 1, StartS = 0, ErrorKind = RequestErrorKind.Timeout, Error = "timed out after 1 s" },
        };
        var metrics = MetricsCalculator.Compute(records, 1, new() { Percentiles = [50, 99.9], MaxConcurrency = 8 });

        using var json = JsonDocument.Parse(ResultJson.Serialize(metrics));
        var root = json.RootElement;

        Assert.Equal(1, root.GetProperty("completed").GetInt32());
        Assert.Equal(1, root.GetProperty("failed").GetInt32());
        Assert.Equal(3, root.GetProperty("total_output_tokens").GetInt64());
        Assert.Equal("inf", root.GetProperty("request_rate").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("request_goodput").ValueKind);
        Assert.Equal(8, root.GetProperty("max_concurrency").GetInt32());
        Assert.Equal(100, root.GetProperty("mean_ttft_ms").GetDouble(), 1e-9);
        Assert.Equal(25, root.GetProperty("median_itl_ms").GetDouble(), 1e-9);
        Assert.True(root.TryGetProperty("p99.9_itl_ms", out _));
        Assert.True(root.TryGetProperty("std_e2el_ms", out _));
        Assert.True(root.TryGetProperty("max_output_tokens_per_s", out _));
        Assert.True(root.TryGetProperty("max_concurrent_requests", out _));
        var ours = root.GetProperty("gpubench");
        Assert.Equal(1, ours.GetProperty("failures").GetProperty("Timeout").GetInt32());
        Assert.True(ours.TryGetProperty("per_token_itl", out _));
        Assert.False(root.TryGetProperty("per_token_itl", out _));
    }

    [Fact]
    public void Result_json_round_trips()
    {
        var m = BenchmarkTextBlockTests.Sample() with
        {
            RequestRate = 2.5,
            RequestGoodput = 1.1,
            GpuBench = new GpuBenchMetrics
            {
                PerTokenItl = new(1, 2, 3, [new(99, 4)]),
                ClientQueueTime = new(5, 6, 7, [new(99, 8)]),
                SendLag = new(0.1, 0.2, 0.3, [new(99, 0.4)]),
                Chunks = 42,
                Failures = new() { ["Http"] = 2 },
            }.WithClientCpu(0.5),
        };

        var back = ResultJson.Deserialize(ResultJson.Serialize(m));

        Assert.Equal(ResultJson.Serialize(m), ResultJson.Serialize(back));
        Assert.Equal(2.5, back.RequestRate);
        Assert.Equal(300.123, back.Ttft.At(99.9));
        Assert.Equal(0.5, back.GpuBench!.ClientCpuS);
        Assert.Equal(2, back.GpuBench.Failures["Http"]);
    }

    [Fact]
    public async Task Request_records_round_trip_through_jsonl()
    {
        RequestRecord[] records =
        [
            new() { Index = 0, StartS = 0.5, QueueS = 0.1, SendLagS = 0.001, TtftS = 0.2, ItlS = [0.01, 0.02], ChunkTokens = [0, 1, 1], E2elS = 0.23, PromptTokens = 10, OutputTokens = 2, Success = true },
            new() { Index = 1, ErrorKind = RequestErrorKind.Http, StatusCode = 500, Error = "HTTP 500: boom" },
        ];
        using var stream = new MemoryStream();
        await ResultJson.WriteLinesAsync(stream, records, TestContext.Current.CancellationToken);

        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Assert.Equal(2, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("\"error_kind\":\"Http\"", text, StringComparison.Ordinal);

        var back = ResultJson.ReadLines(new StringReader(text)).ToArray();
        Assert.Equal([0.01, 0.02], back[0].ItlS);
        Assert.Equal([0, 1, 1], back[0].ChunkTokens!);
        Assert.Equal(500, back[1].StatusCode);
        Assert.Equal(RequestErrorKind.Http, back[1].ErrorKind);
        Assert.Equal(records[0] with { ItlS = back[0].ItlS, ChunkTokens = back[0].ChunkTokens }, back[0]);
    }
}
