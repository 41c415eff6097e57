namespace GpuBench.Reporting.Runs;

/// <summary>The measured figures a report shows, in vLLM's units (tokens/s, milliseconds).</summary>
public sealed record RunMetrics
{
    public required int Completed { get; init; }

    public int Failed { get; init; }

    public required double DurationS { get; init; }

    public required double OutputTokensPerS { get; init; }

    public required double TotalTokensPerS { get; init; }

    /// <summary>Requests meeting every SLO bound per second (vLLM's request_goodput); null when the run had no SLO.</summary>
    public double? GoodputReqS { get; init; }

    /// <summary>The share of all requests, failed ones included, that met every SLO bound; null when the run had no SLO.</summary>
    public double? SloAttainment { get; init; }

    public required LatencySummary Ttft { get; init; }

    public required LatencySummary Tpot { get; init; }

    public required LatencySummary Itl { get; init; }

    public required LatencySummary E2el { get; init; }
}

/// <summary>Mean, median and 99th percentile of one latency metric, in milliseconds; p99 is null when the run did not compute it.</summary>
public sealed record LatencySummary(double MeanMs, double MedianMs, double? P99Ms);
