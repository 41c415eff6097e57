using GpuBench.Core.Metrics;

namespace GpuBench.Simulation.Prediction;

/// <summary>The outcome of a predicted run: every request's timeline and the engine-side counters.</summary>
public sealed record PredictionResult(
    IReadOnlyList<PredictedRequest> Requests,
    double Duration,
    long Preemptions,
    long Steps,
    long KvCapacityTokensPerReplica,
    PrefixCacheSummary? PrefixCache = null)
{
    /// <summary>The load generator's metrics over the predicted requests, computed by its own calculator, with the engines' prefix cache.</summary>
    public ServingMetrics Metrics(MetricsOptions? options = null)
    {
        var metrics = MetricsCalculator.Compute(Requests.Select(r => r.ToRecord()).ToArray(), Duration, options);
        return metrics with { GpuBench = metrics.GpuBench is { } ours ? ours with { PrefixCache = PrefixCache } : null };
    }
}
