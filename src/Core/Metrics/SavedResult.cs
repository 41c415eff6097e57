namespace GpuBench.Core.Metrics;

/// <summary>
/// Everything <c>--save-result</c> writes, as vLLM's <c>vllm bench serve</c> writes it: the run's setup (date,
/// backend, model, traffic), the metrics, and per-request lists. See <see cref="ResultJson.SerializeSaved"/>.
/// </summary>
public sealed record SavedResult
{
    /// <summary>Local time the run ended, as vLLM writes it: yyyyMMdd-HHmmss.</summary>
    public required string Date { get; init; }

    /// <summary>openai-chat or openai (written as both "backend" and vLLM's older "endpoint_type").</summary>
    public required string Backend { get; init; }

    /// <summary>The user's label for the run (vLLM's <c>--label</c>); null when none was given.</summary>
    public string? Label { get; init; }

    public required string ModelId { get; init; }

    /// <summary>The tokenizer the prompts were built with: the served model's own, through /tokenize.</summary>
    public required string TokenizerId { get; init; }

    public required int NumPrompts { get; init; }

    public required double Burstiness { get; init; }

    /// <summary>vLLM's <c>--metadata KEY=VALUE</c>: extra top-level fields.</summary>
    public Dictionary<string, string> Metadata { get; init; } = [];

    public required ServingMetrics Metrics { get; init; }

    /// <summary>Every timed request, in index order.</summary>
    public required IReadOnlyList<RequestRecord> Requests { get; init; }

    /// <summary>
    /// vLLM's <c>--save-detailed</c>: also write input_lens, output_lens, ttfts, itls, start_times, generated_texts and
    /// errors. generated_texts holds each request's <see cref="RequestRecord.GeneratedText"/> ("" for a failed request
    /// or where no text was kept).
    /// </summary>
    public bool Detailed { get; init; }

    /// <summary>Percentiles written for the client queue statistics.</summary>
    public IReadOnlyList<double> Percentiles { get; init; } = MetricsOptions.Default.Percentiles;
}
