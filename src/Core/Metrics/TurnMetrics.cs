using System.Text.Json.Serialization;

namespace GpuBench.Core.Metrics;

/// <summary>
/// The requests of one turn index of a multi-turn run (turn 0 is every conversation's first request): how many, their
/// mean prompt and output tokens (the prompt grows with the history), and TTFT, TPOT and E2EL as vLLM defines them.
/// </summary>
public sealed record TurnMetrics
{
    [JsonPropertyName("turn")]
    public int Turn { get; init; }

    [JsonPropertyName("requests")]
    public int Requests { get; init; }

    [JsonPropertyName("completed")]
    public int Completed { get; init; }

    [JsonPropertyName("mean_input_tokens")]
    public double MeanInputTokens { get; init; }

    [JsonPropertyName("mean_output_tokens")]
    public double MeanOutputTokens { get; init; }

    [JsonPropertyName("ttft")]
    public required LatencyStats Ttft { get; init; }

    [JsonPropertyName("tpot")]
    public required LatencyStats Tpot { get; init; }

    [JsonPropertyName("e2el")]
    public required LatencyStats E2el { get; init; }

    /// <summary>One entry per turn index, in order; null when no request has a turn (not a multi-turn run).</summary>
    public static IReadOnlyList<TurnMetrics>? Of(IReadOnlyList<RequestRecord> requests, IReadOnlyList<double> percentiles)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (!requests.Any(r => r.Turn is not null))
        {
            return null;
        }

        return [.. requests.Where(r => r.Turn is not null).GroupBy(r => r.Turn!.Value).OrderBy(g => g.Key).Select(g =>
        {
            var ok = g.Where(r => r.Success).ToArray();
            return new TurnMetrics
            {
                Turn = g.Key,
                Requests = g.Count(),
                Completed = ok.Length,
                MeanInputTokens = ok.Length > 0 ? ok.Average(r => r.PromptTokens) : 0,
                MeanOutputTokens = ok.Length > 0 ? ok.Average(r => r.OutputTokens) : 0,
                Ttft = SampleStatistics.SummariseSecondsAsMs([.. ok.Select(r => r.TtftS)], percentiles),
                Tpot = SampleStatistics.SummariseSecondsAsMs([.. ok.Where(r => r.TpotS.HasValue).Select(r => r.TpotS!.Value)], percentiles),
                E2el = SampleStatistics.SummariseSecondsAsMs([.. ok.Select(r => r.E2elS)], percentiles),
            };
        })];
    }
}
