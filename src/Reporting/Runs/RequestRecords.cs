using GpuBench.Core.Metrics;

namespace GpuBench.Reporting.Runs;

/// <summary>A run's per-request records (requests.jsonl), as the report reads them.</summary>
public static class RequestRecords
{
    public static async Task<List<RequestRecord>> ReadAsync(string requestsPath, CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(requestsPath, cancellationToken).ConfigureAwait(false);
        using var reader = new StringReader(text);
        return [.. ResultJson.ReadLines(reader)];
    }
}
