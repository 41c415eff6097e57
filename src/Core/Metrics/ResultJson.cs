using System.Text.Json;

namespace GpuBench.Core.Metrics;

/// <summary>The one way GpuBench reads and writes result.json and requests.jsonl.</summary>
public static class ResultJson
{
    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = true };

    /// <summary>Compact options for one-record-per-line files.</summary>
    public static JsonSerializerOptions LineOptions { get; } = new() { WriteIndented = false };

    public static string Serialize(ServingMetrics metrics) => JsonSerializer.Serialize(metrics, Options);

    public static ServingMetrics Deserialize(string json) =>
        JsonSerializer.Deserialize<ServingMetrics>(json, Options) ?? throw new JsonException("result JSON is null");

    /// <summary>Writes one JSON object per line.</summary>
    public static async Task WriteLinesAsync(Stream stream, IEnumerable<RequestRecord> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(requests);
        var newline = "\n"u8.ToArray();
        foreach (var request in requests)
        {
            await JsonSerializer.SerializeAsync(stream, request, LineOptions, cancellationToken).ConfigureAwait(false);
            await stream.WriteAsync(newline, cancellationToken).ConfigureAwait(false);
        }
    }

    public static IEnumerable<RequestRecord> ReadLines(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                yield return JsonSerializer.Deserialize<RequestRecord>(line, LineOptions)
                    ?? throw new JsonException("null request record");
            }
        }
    }
}
