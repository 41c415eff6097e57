using GpuBench.Core.Metrics;

namespace GpuBench.Reporting.Runs;

/// <summary>Output tokens per second over a run, from its per-request records (requests.jsonl).</summary>
public static class RequestTimeline
{
    public static async Task<IReadOnlyList<double>> ReadAsync(string requestsPath, CancellationToken cancellationToken) =>
        TokensPerSecond(await RequestRecords.ReadAsync(requestsPath, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Buckets every streamed event of every successful request into the second it arrived (counted from the earliest
    /// request start, as vLLM's peak throughput does) and adds up the tokens it carried: the server's per-chunk count
    /// where it reported one, else the request's output tokens spread evenly over its events.
    /// </summary>
    public static IReadOnlyList<double> TokensPerSecond(IReadOnlyList<RequestRecord> requests)
    {
        var successful = requests.Where(r => r.Success).ToList();
        if (successful.Count == 0)
        {
            return [];
        }

        var origin = requests.Min(r => r.StartS);
        var buckets = new List<double>();
        foreach (var request in successful)
        {
            var events = request.ItlS.Length + 1;
            var time = request.StartS + request.TtftS - origin;
            for (var i = 0; i < events; i++)
            {
                if (i > 0)
                {
                    time += request.ItlS[i - 1];
                }

                var second = Math.Max(0, (int)Math.Floor(time));
                while (buckets.Count <= second)
                {
                    buckets.Add(0);
                }

                buckets[second] += request.ChunkTokens is { } chunks && chunks.Length == events
                    ? chunks[i]
                    : (double)request.OutputTokens / events;
            }
        }

        return buckets;
    }
}
