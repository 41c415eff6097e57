using System.Globalization;
using System.Text.Json.Serialization;

namespace GpuBench.Core.Metrics;

/// <summary>Summary of one latency metric in milliseconds. <see cref="Std"/> is null when read from a text block.</summary>
public sealed record LatencyStats(
    [property: JsonPropertyName("mean_ms")] double Mean,
    [property: JsonPropertyName("median_ms")] double Median,
    [property: JsonPropertyName("std_ms")] double? Std,
    [property: JsonPropertyName("percentiles")] IReadOnlyList<PercentileValue> Percentiles)
{
    public static LatencyStats Empty(IReadOnlyList<double> percentiles) =>
        new(0, 0, 0, [.. percentiles.Select(p => new PercentileValue(p, 0))]);

    /// <summary>The value at percentile <paramref name="p"/>, or null when it was not computed.</summary>
    public double? At(double p) => Percentiles.FirstOrDefault(x => x.P == p)?.Value;
}

/// <summary>One percentile of a latency metric (value in milliseconds).</summary>
public sealed record PercentileValue(
    [property: JsonPropertyName("p")] double P,
    [property: JsonPropertyName("value_ms")] double Value)
{
    /// <summary>vLLM's spelling of the percentile in field names and labels: 99 → "99", 99.9 → "99.9".</summary>
    public string Word => FormatWord(P);

    public static string FormatWord(double p) => p.ToString("R", CultureInfo.InvariantCulture);
}
