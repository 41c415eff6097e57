namespace GpuBench.Core.Metrics;

/// <summary>
/// Turns per-request records into a run's metrics exactly as src/Core/Metrics/README.md defines them (vLLM's definitions),
/// plus GpuBench's corrected figures. Pure: the same records always give the same result.
/// </summary>
public static class MetricsCalculator
{
    /// <param name="requests">Every timed request (warmups excluded), successful or not.</param>
    /// <param name="durationS">From just before the first dispatch to the end of the last request.</param>
    /// <param name="options">Percentiles, SLOs and the load settings to echo; vLLM's defaults when null.</param>
    public static ServingMetrics Compute(IReadOnlyList<RequestRecord> requests, double durationS, MetricsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(requests);
        options ??= MetricsOptions.Default;
        var percentiles = options.Percentiles;
        var ok = requests.Where(r => r.Success).ToArray();

        var inputTokens = ok.Sum(r => (long)r.PromptTokens);
        var outputTokens = ok.Sum(r => (long)r.OutputTokens);
        double PerSecond(double count) => durationS > 0 ? count / durationS : 0;

        var itls = new List<double>(ok.Sum(r => r.ItlS.Length));
        foreach (var r in ok)
        {
            itls.AddRange(r.ItlS);
        }

        var failures = requests.Where(r => !r.Success).GroupBy(r => r.ErrorKind.ToString()).ToArray();
        var ours = new GpuBenchMetrics
        {
            PerTokenItl = SampleStatistics.SummariseSecondsAsMs(PerTokenItls(ok), percentiles),
            ChunkTokensReported = ok.Length > 0 && ok.All(r => r.ChunkTokens is not null),
            PeakOutputTokensPerSTokenWeighted = PeakPerSecond(ok, tokenWeighted: true),
            Chunks = ok.Sum(r => (long)r.ItlS.Length + 1),
            ClientQueueTime = SampleStatistics.SummariseSecondsAsMs([.. requests.Select(r => r.QueueS)], percentiles),
            SendLag = SampleStatistics.SummariseSecondsAsMs([.. requests.Select(r => r.SendLagS)], percentiles),
            Failures = failures.ToDictionary(g => g.Key, g => g.Count()),
            FailureExamples = failures.ToDictionary(g => g.Key, g => g.First().Error ?? g.Key),
            Turns = TurnMetrics.Of(requests, percentiles),
        };

        return new ServingMetrics
        {
            Duration = durationS,
            Completed = ok.Length,
            Failed = requests.Count - ok.Length,
            TotalInputTokens = inputTokens,
            TotalOutputTokens = outputTokens,
            RequestThroughput = PerSecond(ok.Length),
            RequestGoodput = options.Goodput is { } slo ? PerSecond(ok.Count(slo.IsMetBy)) : null,
            SloAttainment = options.Goodput is { } bounds ? Attainment(ok.Count(bounds.IsMetBy), requests.Count) : null,
            OutputThroughput = PerSecond(outputTokens),
            TotalTokenThroughput = PerSecond(inputTokens + outputTokens),
            MaxOutputTokensPerS = PeakPerSecond(ok, tokenWeighted: false),
            MaxConcurrentRequests = PeakConcurrency(ok),
            MaxConcurrency = options.MaxConcurrency,
            RequestRate = options.RequestRate,
            Ttft = SampleStatistics.SummariseSecondsAsMs([.. ok.Select(r => r.TtftS)], percentiles),
            Tpot = SampleStatistics.SummariseSecondsAsMs([.. ok.Where(r => r.TpotS.HasValue).Select(r => r.TpotS!.Value)], percentiles),
            Itl = SampleStatistics.SummariseSecondsAsMs(itls, percentiles),
            E2el = SampleStatistics.SummariseSecondsAsMs([.. ok.Select(r => r.E2elS)], percentiles),
            GpuBench = ours,
        };
    }

    /// <summary>The share of <paramref name="all"/> requests that were good; 0 for a run without requests.</summary>
    public static double Attainment(int good, int all) => all > 0 ? (double)good / all : 0;

    /// <summary>
    /// Most output events (or tokens) in one 1-second bucket ⌊t − t0⌋, t0 = earliest start of a successful request
    /// (vLLM buckets from the successful requests only). Event times: start+TTFT, then the cumulative ITL gaps.
    /// </summary>
    public static double PeakPerSecond(IReadOnlyList<RequestRecord> successful, bool tokenWeighted)
    {
        if (successful.Count == 0)
        {
            return 0;
        }

        var t0 = successful.Min(r => r.StartS);
        var buckets = new Dictionary<long, double>();
        foreach (var r in successful)
        {
            var t = r.StartS + r.TtftS;
            for (var i = 0; i <= r.ItlS.Length; i++)
            {
                if (i > 0)
                {
                    t += r.ItlS[i - 1];
                }

                var bucket = (long)Math.Floor(t - t0);
                var weight = tokenWeighted && r.ChunkTokens is { } tokens && i < tokens.Length ? tokens[i] : 1;
                buckets[bucket] = buckets.GetValueOrDefault(bucket) + weight;
            }
        }

        return buckets.Values.Max();
    }

    /// <summary>
    /// Exact maximum number of overlapping [start, start+E2EL) intervals; at equal timestamps departures are
    /// processed before arrivals, so back-to-back requests on one slot count once.
    /// </summary>
    public static int PeakConcurrency(IReadOnlyList<RequestRecord> successful)
    {
        var events = new List<(double Time, int Delta)>(successful.Count * 2);
        foreach (var r in successful.Where(r => r.E2elS > 0))
        {
            events.Add((r.StartS, +1));
            events.Add((r.StartS + r.E2elS, -1));
        }

        // Sorting by (time, delta) puts −1 before +1 at equal times.
        events.Sort();
        int current = 0, peak = 0;
        foreach (var (_, delta) in events)
        {
            current += delta;
            peak = Math.Max(peak, current);
        }

        return peak;
    }

    /// <summary>
    /// Per-token ITL: each gap divided by the tokens its chunk carried, one sample per token. A chunk that carried
    /// no token (an empty chunk) passes its gap on to the next chunk that does; gaps before the first token-bearing
    /// chunk (the chat role-only chunk) are part of the time to first token, not ITL. Without server-reported counts
    /// every chunk is taken as one token, which reduces to vLLM's ITL.
    /// </summary>
    public static List<double> PerTokenItls(IEnumerable<RequestRecord> successful)
    {
        var samples = new List<double>();
        foreach (var r in successful)
        {
            int TokensOf(int chunk) => r.ChunkTokens is { } counts && chunk < counts.Length ? counts[chunk] : 1;
            var seenToken = TokensOf(0) > 0;
            var pending = 0.0;
            for (var i = 0; i < r.ItlS.Length; i++)
            {
                var tokens = TokensOf(i + 1);
                pending += r.ItlS[i];
                if (tokens <= 0)
                {
                    continue;
                }

                if (seenToken)
                {
                    for (var k = 0; k < tokens; k++)
                    {
                        samples.Add(pending / tokens);
                    }
                }

                seenToken = true;
                pending = 0;
            }
        }

        return samples;
    }
}
