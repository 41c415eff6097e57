using GpuBench.Core.Metrics;

namespace GpuBench.Simulation.Prediction;

/// <summary>The outcome of a predicted run: every request's timeline and the engine-side counters.</summary>
public sealed record PredictionResult(
    IReadOnlyList<PredictedRequest> Requests,
    double Duration,
    long Preemptions,
    long Steps,
    long KvCapacityTokensPerReplica)
{
    /// <summary>The load generator's metrics over the predicted requests, computed by its own calculator.</summary>
    public ServingMetrics Metrics(MetricsOptions? options = null) =>
        MetricsCalculator.Compute(Requests.Select(r => r.ToRecord()).ToArray(), Duration, options);
}
