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
    public void Result_json_has_slo_attainment_and_goodput_only_with_an_slo()
    {
        var records = new[]
        {
            new RequestRecord { Index = 0, StartS = 0, TtftS = 0.1, ItlS = [0.02, 0.03], E2elS = 0.15, PromptTokens = 5, OutputTokens = 3, Success = true },
            new RequestRecord { Index = 1, StartS = 0, TtftS = 0.9, ItlS = [], E2elS = 0.9, PromptTokens = 5, OutputTokens = 1, Success = true },
            new RequestRecord { Index = 2, StartS = 0, ErrorKind = RequestErrorKind.Timeout, Error = "timed out after 1 s" },
        };

        using var judged = JsonDocument.Parse(ResultJson.Serialize(MetricsCalculator.Compute(records, 2, new() { Goodput = new GoodputSlo(TtftMs: 500) })));
        using var plain = JsonDocument.Parse(ResultJson.Serialize(MetricsCalculator.Compute(records, 2)));

        // One good request (TTFT 100 ms) of three, the failed one included; goodput 1 request over 2 s.
        Assert.Equal(1.0 / 3, judged.RootElement.GetProperty("slo_attainment").GetDouble(), 1e-12);
        Assert.Equal(0.5, judged.RootElement.GetProperty("goodput_req_s").GetDouble(), 1e-12);
        Assert.Equal(1.0 / 3, ResultJson.Deserialize(judged.RootElement.GetRawText()).SloAttainment!.Value, 1e-12);
        Assert.False(plain.RootElement.TryGetProperty("slo_attainment", out _));
        Assert.False(plain.RootElement.TryGetProperty("goodput_req_s", out _));
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

    [Fact]
    public async Task Jsonl_lines_never_carry_the_generated_text()
    {
        using var stream = new MemoryStream();
        await ResultJson.WriteLinesAsync(stream, [new RequestRecord { Index = 0, Success = true, GeneratedText = "kept for generated_texts" }],
            TestContext.Current.CancellationToken);

        var line = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Assert.DoesNotContain("generated", line, StringComparison.Ordinal);
        Assert.DoesNotContain("kept for", line, StringComparison.Ordinal);
    }

    private static readonly RequestRecord[] SavedRequests =
    [
        new() { Index = 0, StartS = 0.5, QueueS = 0.25, TtftS = 0.1, ItlS = [0.02, 0.03], E2elS = 0.15, PromptTokens = 5, OutputTokens = 3, Success = true, GeneratedText = "a \"b\"\né😀" },
        new() { Index = 1, StartS = 0.75, QueueS = 0.5, TtftS = 0.04, E2elS = 2, PromptTokens = 6, ErrorKind = RequestErrorKind.Timeout, Error = "timed out after 2 s", GeneratedText = "partial" },
    ];

    private static SavedResult Saved(double rate = double.PositiveInfinity, int? maxConcurrency = 2, bool detailed = false) => new()
    {
        Date = "20261128-103000",
        Backend = "openai-chat",
        ModelId = "org/model",
        TokenizerId = "org/model",
        NumPrompts = 2,
        Burstiness = 1.0,
        Metadata = new() { ["gpu"] = "h200" },
        Metrics = MetricsCalculator.Compute(SavedRequests, 1, new() { Percentiles = [50, 99], MaxConcurrency = maxConcurrency, RequestRate = rate }),
        Requests = SavedRequests,
        Detailed = detailed,
        Percentiles = [50, 99],
    };

    [Fact]
    public void Saved_result_carries_vllms_setup_fields_and_per_request_latencies()
    {
        using var json = JsonDocument.Parse(ResultJson.SerializeSaved(Saved()));
        var root = json.RootElement;

        Assert.Equal("20261128-103000", root.GetProperty("date").GetString());
        Assert.Equal("openai-chat", root.GetProperty("endpoint_type").GetString());
        Assert.Equal("openai-chat", root.GetProperty("backend").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("label").ValueKind);
        Assert.Equal("org/model", root.GetProperty("model_id").GetString());
        Assert.Equal("org/model", root.GetProperty("tokenizer_id").GetString());
        Assert.Equal(2, root.GetProperty("num_prompts").GetInt32());
        Assert.Equal("h200", root.GetProperty("gpu").GetString());
        Assert.Equal("inf", root.GetProperty("request_rate").GetString());
        Assert.Equal(1.0, root.GetProperty("burstiness").GetDouble());
        Assert.Equal(2, root.GetProperty("max_concurrency").GetInt32());
        Assert.Equal(0.0, root.GetProperty("rtfx").GetDouble());
        Assert.Equal([0.15, 0.0], root.GetProperty("latencies").EnumerateArray().Select(e => e.GetDouble()));  // failed: 0, as vLLM
        Assert.Equal([0.25, 0.5], root.GetProperty("queue_times").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(150, root.GetProperty("mean_e2el_ms").GetDouble(), 1e-9);
        Assert.True(root.TryGetProperty("gpubench", out _));
        foreach (var detailedOnly in DetailedFields)
        {
            Assert.False(root.TryGetProperty(detailedOnly, out _), detailedOnly);
        }

        Assert.Equal(Saved().Metrics.Ttft.Mean, ResultJson.Deserialize(json.RootElement.GetRawText()).Ttft.Mean);  // still reads as a result
    }

    /// <summary>vLLM's per-request lists of --save-detailed, in the order its result JSON has them.</summary>
    private static readonly string[] DetailedFields = ["input_lens", "output_lens", "ttfts", "itls", "start_times", "generated_texts", "errors"];

    [Fact]
    public void Save_detailed_adds_the_per_request_lists_with_failures_zeroed()
    {
        using var json = JsonDocument.Parse(ResultJson.SerializeSaved(Saved(detailed: true)));
        var root = json.RootElement;

        Assert.Equal([5, 6], root.GetProperty("input_lens").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([3, 0], root.GetProperty("output_lens").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([0.1, 0.0], root.GetProperty("ttfts").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([0.02, 0.03], root.GetProperty("itls")[0].EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(0, root.GetProperty("itls")[1].GetArrayLength());
        Assert.Equal([0.5, 0.75], root.GetProperty("start_times").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(["", "timed out after 2 s"], root.GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["a \"b\"\né😀", ""], root.GetProperty("generated_texts").EnumerateArray().Select(e => e.GetString()));  // failed: ""
        Assert.Equal(DetailedFields, root.EnumerateObject().Select(p => p.Name).Where(n => DetailedFields.Contains(n)));
    }

    [Fact]
    public void A_request_whose_text_was_not_kept_has_an_empty_generated_text()
    {
        var saved = Saved(detailed: true);
        using var json = JsonDocument.Parse(ResultJson.SerializeSaved(saved with { Requests = [.. saved.Requests.Select(r => r with { GeneratedText = null })] }));

        Assert.Equal(["", ""], json.RootElement.GetProperty("generated_texts").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Client_queue_statistics_need_a_concurrency_limit_and_queue_inclusive_e2el_a_finite_rate_too()
    {
        using var unlimited = JsonDocument.Parse(ResultJson.SerializeSaved(Saved(maxConcurrency: null)));
        Assert.False(unlimited.RootElement.TryGetProperty("mean_client_queue_time_ms", out _));

        using var infinite = JsonDocument.Parse(ResultJson.SerializeSaved(Saved()));
        Assert.Equal(250, infinite.RootElement.GetProperty("mean_client_queue_time_ms").GetDouble(), 1e-9);  // successful requests only
        Assert.Equal(250, infinite.RootElement.GetProperty("p99_client_queue_time_ms").GetDouble(), 1e-9);
        Assert.False(infinite.RootElement.TryGetProperty("mean_e2el_including_client_queue_ms", out _));

        using var finite = JsonDocument.Parse(ResultJson.SerializeSaved(Saved(rate: 4)));
        Assert.Equal(400, finite.RootElement.GetProperty("median_e2el_including_client_queue_ms").GetDouble(), 1e-9);
        Assert.Equal(4, finite.RootElement.GetProperty("request_rate").GetDouble());
    }
}
