namespace GpuBench.Reporting.Runs;

/// <summary>Output tokens per second over a run, from its per-request records (requests.jsonl).</summary>
public static class RequestTimeline
{
    public static Task<IReadOnlyList<double>> ReadAsync(string requestsPath, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{requestsPath} {cancellationToken}");
}
