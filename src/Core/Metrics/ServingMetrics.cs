using System.Text.Json.Serialization;

namespace GpuBench.Core.Metrics;

/// <summary>
/// The result of one serving benchmark. Serialised flat with vLLM's <c>--save-result</c> field names
/// (so tools that read vLLM's JSON read ours), with GpuBench's own figures apart under "gpubench".
/// Latency statistics are in milliseconds, durations in seconds.
/// </summary>
[JsonConverter(typeof(ServingMetricsJsonConverter))]
public sealed record ServingMetrics
{
    public double Duration { get; init; }

    public int Completed { get; init; }

    public int Failed { get; init; }

    public long TotalInputTokens { get; init; }

    public long TotalOutputTokens { get; init; }

    public double RequestThroughput { get; init; }

    /// <summary>Requests meeting every SLO per second; null when no SLO was given.</summary>
    public double? RequestGoodput { get; init; }

    /// <summary>The share of all requests (failed ones included) that met every SLO; null when no SLO was given.</summary>
    public double? SloAttainment { get; init; }

    public double OutputThroughput { get; init; }

    public double TotalTokenThroughput { get; init; }

    /// <summary>vLLM's peak: the most choices-bearing events in one 1-second bucket (events, not tokens).</summary>
    public double MaxOutputTokensPerS { get; init; }

    /// <summary>Exact maximum of overlapping request intervals.</summary>
    public int MaxConcurrentRequests { get; init; }

    /// <summary>The client's concurrency limit for the run; null when unlimited.</summary>
    public int? MaxConcurrency { get; init; }

    /// <summary>Configured request rate; +∞ releases all requests at once.</summary>
    public double RequestRate { get; init; } = double.PositiveInfinity;

    public required LatencyStats Ttft { get; init; }

    public required LatencyStats Tpot { get; init; }

    public required LatencyStats Itl { get; init; }

    public required LatencyStats E2el { get; init; }

    /// <summary>GpuBench's own figures; null for results read from a vLLM text block.</summary>
    public GpuBenchMetrics? GpuBench { get; init; }
}

/// <summary>Figures GpuBench reports beside vLLM's, under names of its own.</summary>
public sealed record GpuBenchMetrics
{
    /// <summary>ITL with each gap divided over the tokens its chunk carried (one sample per token).</summary>
    [JsonPropertyName("per_token_itl")]
    public required LatencyStats PerTokenItl { get; init; }

    /// <summary>True when every successful request carried per-chunk token counts from the server.</summary>
    [JsonPropertyName("chunk_tokens_reported")]
    public bool ChunkTokensReported { get; init; }

    /// <summary>Peak output tokens in one 1-second bucket, counting tokens rather than events.</summary>
    [JsonPropertyName("peak_output_tokens_per_s_token_weighted")]
    public double PeakOutputTokensPerSTokenWeighted { get; init; }

    /// <summary>Choices-bearing SSE events received over successful requests.</summary>
    [JsonPropertyName("chunks")]
    public long Chunks { get; init; }

    /// <summary>Time requests waited for a client concurrency slot (all timed requests).</summary>
    [JsonPropertyName("client_queue_time")]
    public required LatencyStats ClientQueueTime { get; init; }

    /// <summary>How late requests were released against their schedule: the client's own lag.</summary>
    [JsonPropertyName("send_lag")]
    public required LatencyStats SendLag { get; init; }

    /// <summary>CPU time the client process used during the timed window; null when not measured.</summary>
    [JsonPropertyName("client_cpu_s")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ClientCpuS { get; init; }

    /// <summary>Client CPU milliseconds per 1,000 chunks received.</summary>
    [JsonPropertyName("client_cpu_ms_per_1000_chunks")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ClientCpuMsPer1000Chunks { get; init; }

    /// <summary>Garbage collections in the client during the timed window; null when not measured.</summary>
    [JsonPropertyName("client_gc_collections")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ClientGcCollections { get; init; }

    /// <summary>
    /// Time the client was paused by those collections. Every chunk arriving during a pause is stamped late, so a
    /// large figure means the client's ITL tail is its own, not the server's.
    /// </summary>
    [JsonPropertyName("client_gc_pause_ms")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ClientGcPauseMs { get; init; }

    /// <summary>The dataset the run sent (name, file sha256, flags, sampled lengths); null when not recorded.</summary>
    [JsonPropertyName("dataset")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DatasetSummary? Dataset { get; init; }

    /// <summary>The engines' prefix-cache queries and hits during the timed window; null when the engines do not publish them.</summary>
    [JsonPropertyName("prefix_cache")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PrefixCacheSummary? PrefixCache { get; init; }

    /// <summary>Multi-turn runs: the figures of each turn index (every conversation's first turn, second turn, ...); null otherwise.</summary>
    [JsonPropertyName("turns")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<TurnMetrics>? Turns { get; init; }

    /// <summary>Failed requests by reason.</summary>
    [JsonPropertyName("failures")]
    public Dictionary<string, int> Failures { get; init; } = [];

    /// <summary>One example error text per failure reason, so a summary can say what went wrong.</summary>
    [JsonPropertyName("failure_examples")]
    public Dictionary<string, string> FailureExamples { get; init; } = [];

    /// <summary>Adds the client's garbage collections during the timed window.</summary>
    public GpuBenchMetrics WithClientGc(int collections, double pauseMs) => this with
    {
        ClientGcCollections = collections,
        ClientGcPauseMs = pauseMs,
    };

    /// <summary>Adds the client's measured CPU time and derives the per-chunk figure.</summary>
    public GpuBenchMetrics WithClientCpu(double cpuSeconds) => this with
    {
        ClientCpuS = cpuSeconds,
        ClientCpuMsPer1000Chunks = Chunks > 0 ? cpuSeconds * 1000 / Chunks * 1000 : null,
    };
}
