using GpuBench.Core.Metrics;

namespace GpuBench.Simulation.Prediction;

/// <summary>
/// One request as the client would have seen it, in seconds from the start of the run: sent at
/// <see cref="Start"/>, one streamed chunk per generated token at <see cref="TokenTimes"/>.
/// </summary>
public sealed record PredictedRequest(
    int Index,
    int Replica,
    double Arrival,
    double Start,
    int PromptTokens,
    int OutputTokens,
    IReadOnlyList<double> TokenTimes,
    int Preemptions,
    int? Conversation = null,
    int? Turn = null)
{
    public double FirstTokenTime => TokenTimes.Count > 0 ? TokenTimes[0] : double.NaN;

    public double EndTime => TokenTimes.Count > 0 ? TokenTimes[^1] : Start;

    public double Ttft => FirstTokenTime - Start;

    public double E2e => EndTime - Start;

    /// <summary>Gaps between consecutive chunks, as the load generator's ITL list.</summary>
    public IEnumerable<double> InterTokenGaps => TokenTimes.Skip(1).Zip(TokenTimes, (later, earlier) => later - earlier);

    /// <summary>
    /// What the load generator would have recorded: one chunk per token, the chat role chunk arriving with the first
    /// token (as vLLM sends it), no network time.
    /// </summary>
    public RequestRecord ToRecord() => new()
    {
        Index = Index,
        Conversation = Conversation,
        Turn = Turn,
        StartS = Start,
        QueueS = Start - Arrival,
        TtftS = TokenTimes.Count > 0 ? Ttft : 0,
        E2elS = E2e,
        ItlS = InterTokenGaps.ToArray(),
        PromptTokens = PromptTokens,
        OutputTokens = OutputTokens,
        Success = TokenTimes.Count > 0,
    };
}
