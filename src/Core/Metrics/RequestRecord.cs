using System.Text.Json.Serialization;

namespace GpuBench.Core.Metrics;

/// <summary>
/// What the client saw of one benchmark request. Times are seconds on the client's monotonic clock;
/// <see cref="StartS"/> is relative to the run's origin (just before the first timed request was dispatched).
/// Written one per line to requests.jsonl, and the only input of <see cref="MetricsCalculator"/>.
/// </summary>
public sealed record RequestRecord
{
    [JsonPropertyName("index")]
    public int Index { get; init; }

    /// <summary>The conversation the request belongs to (multi-turn runs), numbered from 0 in the run; null otherwise.</summary>
    [JsonPropertyName("conversation")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Conversation { get; init; }

    /// <summary>The request's turn in its conversation, from 0 (multi-turn runs); null otherwise.</summary>
    [JsonPropertyName("turn")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Turn { get; init; }

    /// <summary>Timestamp taken immediately before the POST was sent (after the concurrency slot was acquired).</summary>
    [JsonPropertyName("start_s")]
    public double StartS { get; init; }

    /// <summary>Time the request waited for a free concurrency slot on the client.</summary>
    [JsonPropertyName("queue_s")]
    public double QueueS { get; init; }

    /// <summary>How late the client released the request against its arrival schedule (client overhead).</summary>
    [JsonPropertyName("send_lag_s")]
    public double SendLagS { get; init; }

    /// <summary>First choices-bearing SSE event minus start; 0 when none arrived.</summary>
    [JsonPropertyName("ttft_s")]
    public double TtftS { get; init; }

    /// <summary>Last choices-bearing SSE event minus start (or time of failure for a failed request).</summary>
    [JsonPropertyName("e2el_s")]
    public double E2elS { get; init; }

    /// <summary>Gaps between consecutive choices-bearing events (vLLM's ITL list, not divided by tokens).</summary>
    [JsonPropertyName("itl_s")]
    public double[] ItlS { get; init; } = [];

    /// <summary>
    /// Tokens carried by each choices-bearing event (first event included, so one longer than <see cref="ItlS"/>),
    /// where the server reported them (continuous usage stats); null when unknown.
    /// </summary>
    [JsonPropertyName("chunk_tokens")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int[]? ChunkTokens { get; init; }

    [JsonPropertyName("prompt_tokens")]
    public int PromptTokens { get; init; }

    [JsonPropertyName("output_tokens")]
    public int OutputTokens { get; init; }

    [JsonPropertyName("success")]
    public bool Success { get; init; }

    [JsonPropertyName("error_kind")]
    [JsonConverter(typeof(JsonStringEnumConverter<RequestErrorKind>))]
    public RequestErrorKind ErrorKind { get; init; }

    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    [JsonPropertyName("status_code")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? StatusCode { get; init; }

    /// <summary>
    /// The generated text (the first choice's delta.content or text, concatenated), kept only for
    /// <c>--save-detailed</c>; null otherwise and for a failed request. Written to the saved result's generated_texts,
    /// never to requests.jsonl, which stays compact: one line of timings and counts per request.
    /// </summary>
    [JsonIgnore]
    public string? GeneratedText { get; init; }

    /// <summary>vLLM's TPOT for this request, or null when it has fewer than two output tokens.</summary>
    [JsonIgnore]
    public double? TpotS => OutputTokens > 1 ? (E2elS - TtftS) / (OutputTokens - 1) : null;
}

/// <summary>Why a request failed; <see cref="None"/> for a successful one.</summary>
public enum RequestErrorKind
{
    None,

    /// <summary>The server answered with a non-200 status.</summary>
    Http,

    /// <summary>The SSE stream could not be parsed (bad framing or bad JSON).</summary>
    MalformedStream,

    /// <summary>The connection failed or was reset, before or during the stream.</summary>
    Connection,

    /// <summary>The per-request or whole-run timeout expired.</summary>
    Timeout,

    /// <summary>HTTP 200 but the stream ended without a single choices-bearing event.</summary>
    EmptyStream,

    /// <summary>The run was cancelled while the request was in flight.</summary>
    Cancelled,

    /// <summary>Anything else (kept with its exception type in the error text).</summary>
    Other,
}
