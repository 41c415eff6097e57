using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GpuBench.Core.Metrics;

/// <summary>
/// Writes <see cref="ServingMetrics"/> the way vLLM's <c>--save-result</c> does: flat fields such as
/// mean_ttft_ms and p99_itl_ms, request_rate "inf" when unlimited; GpuBench's figures go under "gpubench".
/// </summary>
public sealed class ServingMetricsJsonConverter : JsonConverter<ServingMetrics>
{
    public const string GpuBenchProperty = "gpubench";

    private static readonly (string Key, Func<ServingMetrics, LatencyStats> Get)[] Latencies =
    [
        ("ttft", m => m.Ttft), ("tpot", m => m.Tpot), ("itl", m => m.Itl), ("e2el", m => m.E2el),
    ];

    public override void Write(Utf8JsonWriter writer, ServingMetrics value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        WriteFields(writer, value);
        WriteOwn(writer, value, options);
        writer.WriteEndObject();
    }

    /// <summary>vLLM's flat fields of <paramref name="value"/>, into an object the caller has started.</summary>
    public static void WriteFields(Utf8JsonWriter writer, ServingMetrics value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteNumber("duration", value.Duration);
        writer.WriteNumber("completed", value.Completed);
        writer.WriteNumber("failed", value.Failed);
        writer.WriteNumber("total_input_tokens", value.TotalInputTokens);
        writer.WriteNumber("total_output_tokens", value.TotalOutputTokens);
        writer.WriteNumber("request_throughput", value.RequestThroughput);
        WriteNumberOrNull(writer, "request_goodput", value.RequestGoodput);
        if (value.SloAttainment is { } attainment)
        {
            // GpuBench's SLO figures, beside vLLM's request_goodput: the point's share of good requests and its goodput again under the sweep's name.
            writer.WriteNumber("slo_attainment", attainment);
            WriteNumberOrNull(writer, "goodput_req_s", value.RequestGoodput);
        }

        writer.WriteNumber("output_throughput", value.OutputThroughput);
        writer.WriteNumber("total_token_throughput", value.TotalTokenThroughput);
        writer.WriteNumber("max_output_tokens_per_s", value.MaxOutputTokensPerS);
        writer.WriteNumber("max_concurrent_requests", value.MaxConcurrentRequests);
        WriteNumberOrNull(writer, "max_concurrency", value.MaxConcurrency);

        if (double.IsPositiveInfinity(value.RequestRate))
        {
            writer.WriteString("request_rate", "inf");
        }
        else
        {
            writer.WriteNumber("request_rate", value.RequestRate);
        }

        foreach (var (key, get) in Latencies)
        {
            WriteStats(writer, key, get(value));
        }
    }

    /// <summary>GpuBench's own figures, apart under "gpubench".</summary>
    public static void WriteOwn(Utf8JsonWriter writer, ServingMetrics value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        if (value.GpuBench is { } ours)
        {
            writer.WritePropertyName(GpuBenchProperty);
            JsonSerializer.Serialize(writer, ours, options);
        }
    }

    /// <summary>mean_{key}_ms, median_{key}_ms, std_{key}_ms and p{P}_{key}_ms, as vLLM names them.</summary>
    public static void WriteStats(Utf8JsonWriter writer, string key, LatencyStats stats)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(stats);
        writer.WriteNumber($"mean_{key}_ms", stats.Mean);
        writer.WriteNumber($"median_{key}_ms", stats.Median);
        WriteNumberOrNull(writer, $"std_{key}_ms", stats.Std);

        foreach (var p in stats.Percentiles)
        {
            writer.WriteNumber($"p{p.Word}_{key}_ms", p.Value);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    public override ServingMetrics Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        double Number(string name) => root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number ? e.GetDouble() : 0;
        double? Optional(string name) => root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number ? e.GetDouble() : null;

        LatencyStats ReadStats(string key)
        {
            var suffix = $"_{key}_ms";
            var percentiles = root.EnumerateObject()
                .Where(p => p.Name.StartsWith('p') && p.Name.EndsWith(suffix, StringComparison.Ordinal) && p.Value.ValueKind == JsonValueKind.Number)
                .Select(p => (Word: p.Name[1..^suffix.Length], p.Value))
                .Where(p => double.TryParse(p.Word, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                .Select(p => new PercentileValue(double.Parse(p.Word, CultureInfo.InvariantCulture), p.Value.GetDouble()))
                .OrderBy(p => p.P)
                .ToArray();
            return new LatencyStats(Number($"mean{suffix}"), Number($"median{suffix}"), Optional($"std{suffix}"), percentiles);
        }

        var rate = root.TryGetProperty("request_rate", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetDouble() : double.PositiveInfinity;
        return new ServingMetrics
        {
            Duration = Number("duration"),
            Completed = (int)Number("completed"),
            Failed = (int)Number("failed"),
            TotalInputTokens = (long)Number("total_input_tokens"),
            TotalOutputTokens = (long)Number("total_output_tokens"),
            RequestThroughput = Number("request_throughput"),
            RequestGoodput = Optional("request_goodput"),
            SloAttainment = Optional("slo_attainment"),
            OutputThroughput = Number("output_throughput"),
            TotalTokenThroughput = Number("total_token_throughput"),
            MaxOutputTokensPerS = Number("max_output_tokens_per_s"),
            MaxConcurrentRequests = (int)Number("max_concurrent_requests"),
            MaxConcurrency = Optional("max_concurrency") is { } c ? (int)c : null,
            RequestRate = rate,
            Ttft = ReadStats("ttft"),
            Tpot = ReadStats("tpot"),
            Itl = ReadStats("itl"),
            E2el = ReadStats("e2el"),
            GpuBench = root.TryGetProperty(GpuBenchProperty, out var ours) && ours.ValueKind == JsonValueKind.Object
                ? ours.Deserialize<GpuBenchMetrics>(options)
                : null,
        };
    }
}
