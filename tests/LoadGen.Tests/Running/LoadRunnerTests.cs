using System.Diagnostics;
using System.Diagnostics.Metrics;
using GpuBench.Core.Metrics;
using GpuBench.LoadGen.Dataset;
using GpuBench.LoadGen.Http;
using GpuBench.LoadGen.Options;
using GpuBench.LoadGen.Running;
using GpuBench.LoadGen.Telemetry;
using GpuBench.LoadGen.Tests.Server;

namespace GpuBench.LoadGen.Tests.Running;

/// <summary>
/// The generator against a real Kestrel SSE server with scripted timings, on a shared and busy CPU.
/// Tolerances: the client can never see a chunk before the server wrote it, so what the server recorded bounds the
/// client's figures below: exactly for TTFT, within 5 ms for the gaps between chunks. The scripted values do not:
/// the server's delays run on the runtime's timers, which follow the kernel's coarse clock and may end a tick
/// (several ms) early. The upper bounds allow 150 ms of scheduling noise for TTFT and 25 ms for a median ITL, which
/// a loaded two-core machine stays well inside. The tight check is against what the server recorded: client and
/// server share this process's Stopwatch, and the median client ITL must match the median server gap to within 5 ms
/// (the fidelity benchmark measures the real error, far below that).
/// </summary>
public sealed class LoadRunnerTests : IAsyncLifetime
{
    private ScriptedSseServer _server = null!;
    private readonly HttpClient _http = LoadHttpClient.Create();
    private readonly LoadGenTelemetry _telemetry = new();

    public async ValueTask InitializeAsync() => _server = await ScriptedSseServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
        _telemetry.Dispose();
    }

    private LoadOptions Options(int prompts = 8) => new()
    {
        BaseUrl = _server.BaseUrl,
        NumPrompts = prompts,
        RandomInputLen = 20,
        RandomOutputLen = 10,
        MaxConcurrency = 4,
        Seed = 7,
    };

    private Task<LoadResult> RunAsync(LoadOptions options) =>
        new LoadRunner(_http, _telemetry).RunAsync(options, null, TestContext.Current.CancellationToken);

    /// <summary>From the request's arrival to its first chunk, in ms, as the server timed it.</summary>
    private static double ServerTtftMs(ReceivedRequest request) =>
        Stopwatch.GetElapsedTime(request.Arrived, request.Emitted[0]).TotalMilliseconds;

    /// <summary>The median gap between chunks, in ms, as the server timed them.</summary>
    private double ServerMedianGapMs() =>
        SampleStatistics.Percentile([.. _server.Received.SelectMany(r => r.EmittedGapsS()).Order()], 50) * 1000;

    [Fact]
    public async Task Chat_run_measures_the_scripted_ttft_itl_and_throughput()
    {
        _server.Script = new Script { Ttft = TimeSpan.FromMilliseconds(100), Itl = TimeSpan.FromMilliseconds(20) };

        var result = await RunAsync(Options() with { Metrics = new() { Percentiles = [50, 99] } });
        var m = result.Metrics;

        Assert.Equal(ScriptedSseServer.ModelName, result.Model);  // found through /v1/models
        Assert.Equal(8, m.Completed);
        Assert.Equal(0, m.Failed);
        Assert.Equal(80, m.TotalOutputTokens);
        Assert.Equal(8 * (20 + 5), m.TotalInputTokens);  // the server's usage.prompt_tokens, chat template included
        Assert.All(_server.Received, r => Assert.Equal(20, r.PromptWords));  // exact input length
        var serverMedianGapMs = ServerMedianGapMs();
        Assert.InRange(m.Ttft.Mean, _server.Received.Average(ServerTtftMs), 100 + 150);
        Assert.InRange(m.Itl.Median, serverMedianGapMs - 5, 20 + 25);
        Assert.InRange(m.Tpot.Mean, serverMedianGapMs - 5, 20 + 25);
        Assert.InRange(m.Itl.Median, serverMedianGapMs - 5, serverMedianGapMs + 5);

        // Two waves of four (concurrency 4): at least the server's time from the first arrival to the last chunk.
        var serverSpanS = Stopwatch.GetElapsedTime(_server.Received.Min(r => r.Arrived), _server.Received.Max(r => r.Emitted[^1])).TotalSeconds;
        Assert.InRange(m.Duration, serverSpanS, 10);
        Assert.Equal(m.TotalOutputTokens / m.Duration, m.OutputThroughput, 1e-9);
        Assert.InRange(m.MaxConcurrentRequests, 1, 4);
        Assert.True(m.GpuBench!.ClientQueueTime.At(99) > 50, "the second wave waited for a slot");
        Assert.True(m.GpuBench.ChunkTokensReported);
        Assert.True(m.GpuBench.ClientCpuS > 0);
        Assert.All(result.Requests, r => Assert.Equal([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], r.ChunkTokens!));
    }

    [Fact]
    public async Task Chat_request_body_is_what_vllm_sends()
    {
        await RunAsync(Options(1));

        var body = Assert.Single(_server.Received).Body;
        Assert.Equal(ScriptedSseServer.ModelName, body.GetProperty("model").GetString());
        Assert.Equal("user", body.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.Equal(10, body.GetProperty("max_completion_tokens").GetInt32());
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.True(body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.True(body.GetProperty("ignore_eos").GetBoolean());
    }

    [Fact]
    public async Task Completions_backend_sends_prompt_and_max_tokens()
    {
        var result = await RunAsync(Options(2) with { Backend = Backend.OpenAI, Endpoint = "/v1/completions", IgnoreEos = false });

        Assert.Equal(2, result.Metrics.Completed);
        Assert.Equal(40, result.Metrics.TotalInputTokens);  // no chat template on completions
        Assert.All(_server.Received, r =>
        {
            Assert.Equal(10, r.Body.GetProperty("max_tokens").GetInt32());
            Assert.False(r.Body.TryGetProperty("ignore_eos", out _));
        });
    }

    [Fact]
    public async Task Multi_token_chunks_are_reported_per_chunk_by_vllm_and_per_token_by_gpubench()
    {
        _server.Script = new Script { Ttft = TimeSpan.FromMilliseconds(10), Itl = TimeSpan.FromMilliseconds(30), TokensPerChunk = 2 };

        var m = (await RunAsync(Options(2))).Metrics;

        Assert.Equal(20, m.TotalOutputTokens);
        var gap = ServerMedianGapMs() - 5;
        Assert.InRange(m.Itl.Median, gap, 30 + 25);                         // one gap per 2-token chunk
        Assert.InRange(m.GpuBench!.PerTokenItl.Median, gap / 2, 15 + 13);   // the gap over its 2 tokens
        Assert.InRange(m.Tpot.Mean, 4 * gap / 9, (4 * 30.0 / 9) + 25);     // 4 gaps over 9 tokens after the first
    }

    [Fact]
    public async Task Every_request_is_a_span_whose_traceparent_reaches_the_server()
    {
        // This test's own source only: every LoadGenTelemetry has its source, and the tests running in parallel
        // start spans of the same name on theirs.
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, _telemetry.Source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);

        await RunAsync(Options(3));

        Assert.Equal(3, spans.Count);
        foreach (var span in spans)
        {
            Assert.Equal(ActivityKind.Client, span.Kind);
            Assert.Equal("chat", span.GetTagItem("gen_ai.operation.name"));
            Assert.Equal(10, span.GetTagItem("gen_ai.usage.output_tokens"));
            Assert.Equal(25, span.GetTagItem("gen_ai.usage.input_tokens"));
            Assert.IsType<double>(span.GetTagItem("gen_ai.response.time_to_first_chunk"));
            Assert.Contains(_server.Received, r => r.TraceParent == $"00-{span.TraceId}-{span.SpanId}-01");
        }
    }

    [Fact]
    public async Task Model_lookup_and_dataset_calls_are_sent_untraced_and_benchmark_requests_are_not()
    {
        await RunAsync(Options(3) with { NumWarmups = 1 });

        var requests = _server.Requests.ToArray();
        foreach (var setup in new[] { "/v1/models", "/tokenize", "/detokenize" })
        {
            Assert.Contains(requests, r => r.Path == setup);
            Assert.All(requests.Where(r => r.Path == setup), r => Assert.True(r.Untraced, $"{setup} was sent traced"));
        }

        // Warmup and measured requests alike are load on the server: each is traced.
        Assert.Equal(4, requests.Count(r => r.Path == "/v1/chat/completions"));
        Assert.All(requests.Where(r => r.Path == "/v1/chat/completions"), r => Assert.False(r.Untraced));
    }

    [Fact]
    public async Task Live_metrics_count_in_flight_tokens_and_latencies()
    {
        var sums = new Dictionary<string, double>();
        var counts = new Dictionary<string, int>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == _telemetry.Meter)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, double value)
        {
            lock (sums)
            {
                sums[instrument.Name] = sums.GetValueOrDefault(instrument.Name) + value;
                counts[instrument.Name] = counts.GetValueOrDefault(instrument.Name) + 1;
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, _, _) => Record(i, v));
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => Record(i, v));
        listener.Start();

        await RunAsync(Options(4));

        Assert.Equal(0, sums["gpubench.loadgen.requests.in_flight"]);  // every +1 matched by a −1
        Assert.Equal(8, counts["gpubench.loadgen.requests.in_flight"]);
        Assert.Equal(40, sums["gpubench.loadgen.output_tokens"]);
        Assert.Equal(4, counts["gen_ai.client.operation.time_to_first_chunk"]);
        Assert.Equal(4 * 9, counts["gen_ai.client.operation.time_per_output_chunk"]);
        Assert.Equal(4, counts["gen_ai.client.operation.duration"]);
    }

    [Fact]
    public async Task Http_errors_are_failures_kept_out_of_latency_statistics()
    {
        _server.Script = new Script { Ttft = TimeSpan.FromMilliseconds(20), BehaviourOf = n => n % 2 == 1 ? Behaviour.Http500 : null };

        var result = await RunAsync(Options(8) with { MaxConcurrency = 1 });
        var m = result.Metrics;

        Assert.Equal(4, m.Completed);
        Assert.Equal(4, m.Failed);
        Assert.Equal(8, _server.Received.Count);  // a failed request is never retried
        Assert.Equal(40, m.TotalOutputTokens);
        // A failed request answers at once; it would drag TTFT down below every streamed request's.
        Assert.InRange(m.Ttft.Median, _server.Received.Where(r => r.Emitted.Count > 0).Min(ServerTtftMs), 20 + 150);
        var failed = result.Requests.Where(r => !r.Success).ToArray();
        Assert.All(failed, r =>
        {
            Assert.Equal(RequestErrorKind.Http, r.ErrorKind);
            Assert.Equal(500, r.StatusCode);
            Assert.Contains("scripted failure", r.Error, StringComparison.Ordinal);
        });
        Assert.Equal(4, m.GpuBench!.Failures["Http"]);
    }

    [Fact]
    public async Task Malformed_sse_fails_the_request_and_the_run_goes_on()
    {
        _server.Script = new Script { BehaviourOf = n => n == 0 ? Behaviour.MalformedJson : null };

        var result = await RunAsync(Options(3) with { MaxConcurrency = 1 });

        var failed = Assert.Single(result.Requests, r => !r.Success);
        Assert.Equal(RequestErrorKind.MalformedStream, failed.ErrorKind);
        Assert.Contains("malformed SSE", failed.Error, StringComparison.Ordinal);
        Assert.Equal(2, result.Metrics.Completed);
    }

    [Fact]
    public async Task Connection_reset_mid_stream_is_a_connection_failure()
    {
        _server.Script = new Script { BehaviourOf = n => n == 1 ? Behaviour.ResetMidStream : null };

        var result = await RunAsync(Options(3) with { MaxConcurrency = 1 });

        var failed = Assert.Single(result.Requests, r => !r.Success);
        Assert.Equal(RequestErrorKind.Connection, failed.ErrorKind);
        Assert.True(failed.TtftS > 0, "chunks arrived before the reset");
        Assert.Equal(2, result.Metrics.Completed);
    }

    [Fact]
    public async Task A_request_past_its_timeout_fails_as_a_timeout()
    {
        _server.Script = new Script { BehaviourOf = n => n == 0 ? Behaviour.Hang : null };

        var started = Stopwatch.GetTimestamp();
        var result = await RunAsync(Options(2) with { MaxConcurrency = 2, RequestTimeout = TimeSpan.FromMilliseconds(500) });

        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(20));
        var failed = Assert.Single(result.Requests, r => !r.Success);
        Assert.Equal(RequestErrorKind.Timeout, failed.ErrorKind);
        Assert.InRange(failed.E2elS, 0.45, 10);
        Assert.Equal(1, result.Metrics.Completed);
    }

    [Fact]
    public async Task The_whole_run_timeout_ends_requests_still_running_or_waiting()
    {
        _server.Script = new Script { BehaviourOf = _ => Behaviour.Hang };

        var result = await RunAsync(Options(3) with { MaxConcurrency = 1, RunTimeout = TimeSpan.FromMilliseconds(500) });

        Assert.Equal(3, result.Metrics.Failed);
        Assert.All(result.Requests, r => Assert.Equal(RequestErrorKind.Timeout, r.ErrorKind));
        Assert.InRange(result.Metrics.Duration, 0.45, 20);
    }

    [Fact]
    public async Task A_server_without_tokenize_gets_a_clear_error()
    {
        _server.Script = new Script { SupportsTokenize = false };

        var e = await Assert.ThrowsAsync<TokenizerUnavailableException>(() => RunAsync(Options(1)));

        Assert.Contains("POST /tokenize", e.Message, StringComparison.Ordinal);
        Assert.Contains("--base-url", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warmups_are_sent_but_not_measured()
    {
        var result = await RunAsync(Options(2) with { NumWarmups = 3 });

        Assert.Equal(5, _server.Received.Count);
        Assert.Equal(2, result.Requests.Count);
        Assert.Equal([0, 1], result.Requests.Select(r => r.Index).Order());
    }

    [Fact]
    public async Task A_finite_request_rate_spreads_the_starts()
    {
        var result = await RunAsync(Options(6) with { MaxConcurrency = null, RequestRate = 20, Seed = 3 });

        var starts = result.Requests.Select(r => r.StartS).Order().ToArray();
        // Gamma(1, 1/20) gaps: six arrivals span about 0.3 s; at an infinite rate they would all start at ~0.
        Assert.True(starts[^1] - starts[0] > 0.02, $"starts {string.Join(", ", starts)}");
        Assert.All(result.Requests, r => Assert.InRange(r.SendLagS, 0, 1));
    }

    [Fact]
    public async Task Invalid_options_name_the_flag_to_change()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(Options() with { RandomRangeRatio = 1.5, MaxConcurrency = 0 }));

        Assert.Contains("--random-range-ratio", e.Message, StringComparison.Ordinal);
        Assert.Contains("--max-concurrency", e.Message, StringComparison.Ordinal);
    }
}
