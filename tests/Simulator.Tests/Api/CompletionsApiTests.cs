using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GpuBench.Simulator.Tracing;

namespace GpuBench.Simulator.Tests.Api;

public class CompletionsApiTests
{
    private const string Model = "meta-llama/Llama-3.1-8B-Instruct";
    private static readonly string[] Args = ["serve", Model, "--max-model-len", "2048", "--sim-gpu", "h200"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<List<JsonElement>> ReadEventsAsync(HttpResponseMessage response, List<string> raw)
    {
        var events = new List<JsonElement>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Cancel));
        while (await reader.ReadLineAsync(Cancel) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            raw.Add(line[6..]);
            if (line != "data: [DONE]")
            {
                events.Add(JsonDocument.Parse(line[6..]).RootElement.Clone());
            }
        }

        return events;
    }

    [Fact]
    public async Task Streamed_chat_sends_role_then_one_chunk_per_token_then_usage_then_done()
    {
        await using var server = await SimulatorServer.StartAsync(Args);
        var body = new
        {
            model = Model,
            messages = new[] { new { role = "user", content = " ka bedo tisuna" } },
            max_completion_tokens = 12,
            stream = true,
            stream_options = new { include_usage = true },
            ignore_eos = true,
        };

        using var response = await server.Client.PostAsJsonAsync("/v1/chat/completions", body, Cancel);
        var raw = new List<string>();
        var events = await ReadEventsAsync(response, raw);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/event-stream", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Equal("[DONE]", raw[^1]);
        Assert.Equal(1 + 12 + 1, events.Count);
        Assert.Equal("assistant", events[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.All(events, e => Assert.Equal("chat.completion.chunk", e.GetProperty("object").GetString()));
        var content = events.Skip(1).Take(12).ToList();
        Assert.All(content, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString())));
        Assert.Equal("length", content[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(JsonValueKind.Null, content[0].GetProperty("choices")[0].GetProperty("finish_reason").ValueKind);
        var usage = events[^1];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.Equal(12, usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.True(usage.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 3);
    }

    [Fact]
    public async Task Completion_text_is_deterministic_and_its_tokens_count_as_reported()
    {
        await using var server = await SimulatorServer.StartAsync(Args);
        var body = new { model = Model, prompt = " ka bedo", max_tokens = 20, ignore_eos = true };

        var first = await (await server.Client.PostAsJsonAsync("/v1/completions", body, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var second = await (await server.Client.PostAsJsonAsync("/v1/completions", body, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var text = first.GetProperty("choices")[0].GetProperty("text").GetString()!;
        var tokenized = await (await server.Client.PostAsJsonAsync("/tokenize", new { model = Model, prompt = text }, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel);

        Assert.Equal("text_completion", first.GetProperty("object").GetString());
        Assert.Equal(text, second.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal(20, first.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(2, first.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(20, tokenized.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Without_ignore_eos_some_completions_stop_early()
    {
        await using var server = await SimulatorServer.StartAsync([.. Args, "--sim-eos-mean-tokens", "4"]);

        var reasons = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var response = await server.Client.PostAsJsonAsync("/v1/completions", new { model = Model, prompt = $" ka{i}", max_tokens = 50 }, Cancel);
            var json = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            reasons.Add(json.GetProperty("choices")[0].GetProperty("finish_reason").GetString()!);
        }

        Assert.All(reasons, r => Assert.Equal("stop", r));
    }

    [Theory]
    [InlineData("{\"model\":\"meta-llama/Llama-3.1-8B-Instruct\",\"prompt\":\"hi\",\"max_tokens\":5000}", 400, "BadRequestError")]
    [InlineData("{\"model\":\"other\",\"prompt\":\"hi\"}", 404, "NotFoundError")]
    [InlineData("{\"model\": oops", 400, "BadRequestError")]
    public async Task Errors_use_openai_shape_and_vllm_status_codes(string body, int status, string type)
    {
        await using var server = await SimulatorServer.StartAsync(Args);

        using var response = await server.Client.PostAsync("/v1/completions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Cancel);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("error");

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal(status, error.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Tokenize_and_detokenize_round_trip_and_models_lists_the_served_name()
    {
        await using var server = await SimulatorServer.StartAsync([.. Args, "--served-model-name", "llama"]);
        int[] ids = [300, 4000, 70000, 1234];

        var text = (await (await server.Client.PostAsJsonAsync("/detokenize", new { model = "llama", tokens = ids }, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("prompt").GetString();
        var back = (await (await server.Client.PostAsJsonAsync("/tokenize", new { model = "llama", prompt = text }, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32());
        var models = await server.Client.GetFromJsonAsync<JsonElement>("/v1/models", Cancel);

        Assert.Equal(ids, back);
        Assert.Equal("llama", models.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.Equal(2048, models.GetProperty("data")[0].GetProperty("max_model_len").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Metrics_use_vllm_names_and_count_what_was_served()
    {
        await using var server = await SimulatorServer.StartAsync(Args);
        await server.Client.PostAsJsonAsync("/v1/completions", new { model = Model, prompt = " ka be", max_tokens = 7, ignore_eos = true }, Cancel);

        var metrics = await server.Client.GetStringAsync("/metrics", Cancel);

        foreach (var name in new[] { "vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc", "vllm:prompt_tokens_total", "vllm:num_preemptions_total", "vllm:time_to_first_token_seconds_bucket", "vllm:inter_token_latency_seconds_bucket", "vllm:e2e_request_latency_seconds_count", "vllm:request_queue_time_seconds_sum" })
        {
            Assert.Contains(name, metrics, StringComparison.Ordinal);
        }

        Assert.Contains($"vllm:generation_tokens_total{{engine=\"0\",model_name=\"{Model}\"}} 7", metrics, StringComparison.Ordinal);
        Assert.Contains($"vllm:inter_token_latency_seconds_count{{engine=\"0\",model_name=\"{Model}\"}} 6", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_request_gets_an_llm_request_span_under_the_callers_traceparent()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RequestTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (spans) { spans.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        await using var server = await SimulatorServer.StartAsync(Args);
        var traceId = ActivityTraceId.CreateRandom();
        var parentId = ActivitySpanId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = JsonContent.Create(new { model = Model, prompt = " ka", max_tokens = 3, ignore_eos = true }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{parentId}-01");

        // A client that sends the traceparent as given: the in-process HTTP instrumentation would replace it.
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = server.Client.BaseAddress };
        (await client.SendAsync(request, Cancel)).EnsureSuccessStatusCode();

        Activity span;
        lock (spans)
        {
            span = Assert.Single(spans, s => s.TraceId == traceId);
        }

        Assert.Equal("llm_request", span.OperationName);
        Assert.Equal(parentId, span.ParentSpanId);
        Assert.Equal(3, span.GetTagItem("gen_ai.usage.completion_tokens"));
        Assert.True((double)span.GetTagItem("gen_ai.latency.time_to_first_token")! > 0);
        Assert.NotNull(span.GetTagItem("gen_ai.latency.time_in_queue"));
        Assert.NotNull(span.GetTagItem("gen_ai.latency.time_in_model_decode"));
    }
}
