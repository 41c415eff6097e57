using GpuBench.Core.Metrics;

namespace GpuBench.Core.Tests.Metrics;

public class MetricsCalculatorTests
{
    private const double Ms = 1e-9;

    // Three successful requests and one failure; every expected figure below is worked by hand from these.
    private static readonly RequestRecord[] Run =
    [
        Ok(0, start: 0.0, ttft: 0.5, itl: [0.1, 0.2, 0.3], prompt: 10, output: 4),  // events 0.5 0.6 0.8 1.1; TPOT 0.6/3 = 0.2
        Ok(1, start: 0.2, ttft: 1.0, itl: [], prompt: 20, output: 1),               // event 1.2; one token: no TPOT
        Ok(2, start: 1.0, ttft: 0.3, itl: [0.4, 0.4], prompt: 30, output: 3),       // events 1.3 1.7 2.1; TPOT 0.8/2 = 0.4
        new() { Index = 3, StartS = 0.1, E2elS = 0.05, PromptTokens = 40, ErrorKind = RequestErrorKind.Http, StatusCode = 500, Error = "HTTP 500" },
    ];

    private static RequestRecord Ok(int index, double start, double ttft, double[] itl, int prompt, int output, int[]? chunkTokens = null) => new()
    {
        Index = index,
        StartS = start,
        TtftS = ttft,
        ItlS = itl,
        E2elS = ttft + itl.Sum(),
        PromptTokens = prompt,
        OutputTokens = output,
        ChunkTokens = chunkTokens,
        Success = true,
    };

    [Fact]
    public void Counts_and_throughputs_use_successful_requests_over_the_duration()
    {
        var m = MetricsCalculator.Compute(Run, durationS: 2.5);
        Assert.Equal(3, m.Completed);
        Assert.Equal(1, m.Failed);
        Assert.Equal(60, m.TotalInputTokens);   // the failed request's 40 prompt tokens are left out
        Assert.Equal(8, m.TotalOutputTokens);
        Assert.Equal(1.2, m.RequestThroughput, Ms);
        Assert.Equal(3.2, m.OutputThroughput, Ms);
        Assert.Equal(27.2, m.TotalTokenThroughput, Ms);
        Assert.Null(m.RequestGoodput);
        Assert.Equal(1, m.GpuBench!.Failures["Http"]);
        Assert.Equal("HTTP 500", m.GpuBench.FailureExamples["Http"]);
    }

    [Fact]
    public void Ttft_has_one_sample_per_successful_request()
    {
        var ttft = MetricsCalculator.Compute(Run, 2.5, new() { Percentiles = [50, 99] }).Ttft;
        // sorted 0.3 0.5 1.0: mean 0.6; p99: h = 1.98 → 0.5 + 0.98·0.5 = 0.99; deviations −0.3 −0.1 0.4 → var 0.26/3.
        Assert.Equal(600, ttft.Mean, Ms);
        Assert.Equal(500, ttft.Median, Ms);
        Assert.Equal(500, ttft.At(50)!.Value, Ms);
        Assert.Equal(990, ttft.At(99)!.Value, Ms);
        Assert.Equal(Math.Sqrt(0.26 / 3) * 1000, ttft.Std!.Value, 1e-6);
    }

    [Fact]
    public void Tpot_leaves_out_requests_with_one_output_token()
    {
        var tpot = MetricsCalculator.Compute(Run, 2.5).Tpot;
        // samples 0.2 and 0.4 only; p99: h = 0.99 → 0.2 + 0.99·0.2 = 0.398.
        Assert.Equal(300, tpot.Mean, Ms);
        Assert.Equal(300, tpot.Median, Ms);
        Assert.Equal(100, tpot.Std!.Value, Ms);
        Assert.Equal(398, tpot.At(99)!.Value, Ms);
    }

    [Fact]
    public void Tpot_is_zero_when_every_request_has_one_output_token()
    {
        var m = MetricsCalculator.Compute([Run[1]], 1);
        Assert.Equal(0, m.Tpot.Mean);
        Assert.Equal(0, m.Tpot.At(99));
        Assert.Equal(1000, m.Ttft.Mean, Ms);
    }

    [Fact]
    public void Itl_pools_every_gap_of_every_request()
    {
        var itl = MetricsCalculator.Compute(Run, 2.5, new() { Percentiles = [40, 99] }).Itl;
        // pooled sorted 0.1 0.2 0.3 0.4 0.4: mean 0.28; p40: h = 1.6 → 0.26; p99: h = 3.96 → 0.4.
        Assert.Equal(280, itl.Mean, Ms);
        Assert.Equal(300, itl.Median, Ms);
        Assert.Equal(260, itl.At(40)!.Value, Ms);
        Assert.Equal(400, itl.At(99)!.Value, Ms);
    }

    [Fact]
    public void E2el_is_last_event_minus_start()
    {
        var e2el = MetricsCalculator.Compute(Run, 2.5).E2el;
        Assert.Equal(3200.0 / 3, e2el.Mean, 1e-6);
        Assert.Equal(1100, e2el.Median, 1e-6);
    }

    [Fact]
    public void Peak_output_counts_events_in_one_second_buckets_from_the_first_start()
    {
        // bucket 0: 0.5 0.6 0.8; bucket 1: 1.1 1.2 1.3 1.7; bucket 2: 2.1.
        Assert.Equal(4, MetricsCalculator.Compute(Run, 2.5).MaxOutputTokensPerS);
    }

    [Fact]
    public void Token_weighted_peak_counts_the_tokens_each_chunk_carried()
    {
        // events at 0.5 (role chunk, 0 tokens), 0.6 (3 tokens), 1.3 (2 tokens), 1.4 (2 tokens).
        var r = Ok(0, start: 0, ttft: 0.5, itl: [0.1, 0.7, 0.1], prompt: 1, output: 7, chunkTokens: [0, 3, 2, 2]);
        var m = MetricsCalculator.Compute([r], 2);
        Assert.Equal(2, m.MaxOutputTokensPerS);                          // vLLM counts events: two per bucket
        Assert.Equal(4, m.GpuBench!.PeakOutputTokensPerSTokenWeighted);  // bucket 1 carries 2 + 2 tokens
        Assert.True(m.GpuBench.ChunkTokensReported);
    }

    [Fact]
    public void Peak_concurrency_is_the_exact_overlap_of_request_intervals()
    {
        // [0, 1.1), [0.2, 1.2), [1.0, 2.1): all three overlap on [1.0, 1.1).
        Assert.Equal(3, MetricsCalculator.Compute(Run, 2.5).MaxConcurrentRequests);
    }

    [Fact]
    public void Peak_concurrency_processes_departures_before_arrivals_at_equal_times()
    {
        RequestRecord[] backToBack =
        [
            Ok(0, start: 0, ttft: 1, itl: [], prompt: 1, output: 1),    // [0, 1)
            Ok(1, start: 0.5, ttft: 0.5, itl: [], prompt: 1, output: 1), // [0.5, 1)
            Ok(2, start: 1, ttft: 1, itl: [], prompt: 1, output: 1),    // [1, 2): starts exactly when both others end
        ];
        Assert.Equal(2, MetricsCalculator.PeakConcurrency(backToBack));
    }

    [Theory]
    [InlineData("ttft:600", 0.8)]           // R0 (0.5 s) and R2 (0.3 s)
    [InlineData("tpot:300", 0.8)]           // R0 (0.2 s) and R1 (one token: TPOT counts as 0)
    [InlineData("ttft:600 tpot:300", 0.4)]  // R0 only
    [InlineData("e2el:1000", 0.4)]          // R1 (exactly 1.0 s: an SLO equal to the value is met)
    public void Goodput_counts_requests_meeting_every_slo(string slo, double expected)
    {
        var m = MetricsCalculator.Compute(Run, 2.5, new() { Goodput = GoodputSlo.Parse([slo]) });
        Assert.Equal(expected, m.RequestGoodput!.Value, Ms);
    }

    [Theory]
    [InlineData("ttft:600", 0.5)]           // R0 and R2 of four requests: the failed one counts against attainment
    [InlineData("tpot:300", 0.5)]           // R0, and R1 whose one output token has no TPOT and so meets any TPOT bound
    [InlineData("tpot:1", 0.25)]            // R1 alone: a 1 ms TPOT bound no multi-token request meets
    [InlineData("ttft:600 tpot:300", 0.25)] // R0 only
    [InlineData("e2el:5000", 0.75)]         // every successful request; the failed one never is good
    public void Attainment_is_the_share_of_all_requests_meeting_every_bound(string slo, double expected)
    {
        var m = MetricsCalculator.Compute(Run, 2.5, new() { Goodput = GoodputSlo.Parse([slo]) });

        Assert.Equal(expected, m.SloAttainment!.Value, Ms);
        Assert.Equal(expected * Run.Length / 2.5, m.RequestGoodput!.Value, Ms);
    }

    [Fact]
    public void Attainment_over_successful_requests_only_and_without_slo()
    {
        var succeeded = Run.Where(r => r.Success).ToArray();

        // ttft ≤ 600 ms: R0 (0.5 s) and R2 (0.3 s) of three; goodput 2 requests over 2.5 s.
        var m = MetricsCalculator.Compute(succeeded, 2.5, new() { Goodput = new GoodputSlo(TtftMs: 600) });

        Assert.Equal(2.0 / 3, m.SloAttainment!.Value, Ms);
        Assert.Equal(0.8, m.RequestGoodput!.Value, Ms);
        Assert.Null(MetricsCalculator.Compute(succeeded, 2.5).SloAttainment);
        Assert.Equal(0, MetricsCalculator.Compute([], 0, new() { Goodput = new GoodputSlo(TtftMs: 600) }).SloAttainment);
    }

    [Fact]
    public void No_requests_give_zeros_not_errors()
    {
        var m = MetricsCalculator.Compute([], 0);
        Assert.Equal(0, m.Completed);
        Assert.Equal(0, m.RequestThroughput);
        Assert.Equal(0, m.MaxOutputTokensPerS);
        Assert.Equal(0, m.MaxConcurrentRequests);
        Assert.Equal(0, m.Itl.At(99));
        Assert.Equal(0, m.GpuBench!.PerTokenItl.Mean);
    }

    [Fact]
    public void Per_token_itl_divides_each_gap_over_the_tokens_its_chunk_carried()
    {
        // role chunk (0 tokens) → first token after 0.05 s (TTFT territory, no sample) → 2 tokens after 0.2 s
        // → 1 token after 0.1 s: samples 0.1, 0.1, 0.1. Second request: an empty chunk passes its 0.1 s on.
        RequestRecord[] runs =
        [
            Ok(0, 0, 0.5, [0.05, 0.2, 0.1], 1, 4, chunkTokens: [0, 1, 2, 1]),
            Ok(1, 0, 0.5, [0.1, 0.3], 1, 3, chunkTokens: [1, 0, 2]),
        ];
        Assert.Equal([0.1, 0.1, 0.1, 0.2, 0.2], MetricsCalculator.PerTokenItls(runs).Select(x => Math.Round(x, 9)));
        var m = MetricsCalculator.Compute(runs, 1);
        Assert.Equal(140, m.GpuBench!.PerTokenItl.Mean, 1e-6);
        Assert.Equal(150, m.Itl.Mean, 1e-6);  // vLLM's ITL keeps one sample per gap: 0.75 s over 5 gaps
    }

    [Fact]
    public void Per_token_itl_without_token_counts_equals_vllm_itl()
    {
        var m = MetricsCalculator.Compute(Run, 2.5);
        Assert.Equal(m.Itl.Mean, m.GpuBench!.PerTokenItl.Mean);
        Assert.Equal(m.Itl.Percentiles, m.GpuBench.PerTokenItl.Percentiles);
        Assert.False(m.GpuBench.ChunkTokensReported);
    }

    [Fact]
    public void Client_queue_time_and_send_lag_cover_every_timed_request()
    {
        RequestRecord[] runs =
        [
            Ok(0, 0, 0.1, [], 1, 1) with { QueueS = 0.0, SendLagS = 0.001 },
            Ok(1, 0, 0.1, [], 1, 1) with { QueueS = 2.0, SendLagS = 0.003 },
            new() { Index = 2, QueueS = 1.0, SendLagS = 0.002, ErrorKind = RequestErrorKind.Timeout },
        ];
        var ours = MetricsCalculator.Compute(runs, 3).GpuBench!;
        Assert.Equal(1000, ours.ClientQueueTime.Mean, Ms);
        Assert.Equal(2, ours.SendLag.Median, Ms);
        Assert.Equal(500, ours.WithClientCpu(0.001).ClientCpuMsPer1000Chunks!.Value, Ms);  // 1 ms over 2 chunks
    }
}
