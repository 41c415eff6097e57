namespace GpuBench.Simulation.Prediction;

/// <summary>The outcome of a predicted run: every request's timeline and the engine-side counters.</summary>
public sealed record PredictionResult(
    IReadOnlyList<PredictedRequest> Requests,
    double Duration,
    long Preemptions,
    long Steps,
    long KvCapacityTokensPerReplica)
{
    public long TotalInputTokens => Requests.Sum(r => (long)r.PromptTokens);
    public long TotalOutputTokens => Requests.Sum(r => (long)r.OutputTokens);
    public double OutputThroughput => Duration > 0 ? TotalOutputTokens / Duration : 0;
    public double TotalThroughput => Duration > 0 ? (TotalInputTokens + TotalOutputTokens) / Duration : 0;
}
