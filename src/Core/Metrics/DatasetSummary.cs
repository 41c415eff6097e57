using System.Text.Json.Serialization;

namespace GpuBench.Core.Metrics;

/// <summary>
/// What a run sent: the dataset's name, the file it was read from (name and content sha256), the flags that shaped
/// it, and the sampled prompt and output lengths in tokens.
/// </summary>
public sealed record DatasetSummary
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The dataset file's name (never its full path, which says nothing on another machine).</summary>
    [JsonPropertyName("file")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? File { get; init; }

    [JsonPropertyName("sha256")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sha256 { get; init; }

    [JsonPropertyName("flags")]
    public IReadOnlyDictionary<string, string> Flags { get; init; } = new Dictionary<string, string>();

    [JsonPropertyName("requests")]
    public int Requests { get; init; }

    /// <summary>Multi-turn runs: the conversations the requests are the turns of; null otherwise.</summary>
    [JsonPropertyName("conversations")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Conversations { get; init; }

    [JsonPropertyName("input_lens")]
    public required LengthStats InputLens { get; init; }

    [JsonPropertyName("output_lens")]
    public required LengthStats OutputLens { get; init; }
}

/// <summary>Token lengths of the sampled requests: mean, extremes and numpy-linear percentiles.</summary>
public sealed record LengthStats(
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("min")] int Min,
    [property: JsonPropertyName("max")] int Max,
    [property: JsonPropertyName("percentiles")] IReadOnlyDictionary<string, double> Percentiles)
{
    public static IReadOnlyList<double> DefaultPercentiles { get; } = [10, 25, 50, 75, 90, 99];

    public static LengthStats Of(IReadOnlyCollection<int> lengths)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        var sorted = lengths.Select(l => (double)l).Order().ToArray();
        return new LengthStats(
            SampleStatistics.Mean(sorted),
            lengths.Count == 0 ? 0 : lengths.Min(),
            lengths.Count == 0 ? 0 : lengths.Max(),
            DefaultPercentiles.ToDictionary(PercentileValue.FormatWord, p => SampleStatistics.Percentile(sorted, p)));
    }

    /// <summary>The median, for one-line summaries.</summary>
    [JsonIgnore]
    public double Median => Percentiles.TryGetValue("50", out var m) ? m : Mean;
}
