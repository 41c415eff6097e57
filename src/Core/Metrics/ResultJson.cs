using System.Text;
using System.Text.Json;

namespace GpuBench.Core.Metrics;

/// <summary>The one way GpuBench reads and writes result.json and requests.jsonl.</summary>
public static class ResultJson
{
    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = true };

    /// <summary>Compact options for one-record-per-line files.</summary>
    public static JsonSerializerOptions LineOptions { get; } = new() { WriteIndented = false };

    public static string Serialize(ServingMetrics metrics) => JsonSerializer.Serialize(metrics, Options);

    /// <summary>
    /// The whole <c>--save-result</c> file with vLLM's field names: setup (date, endpoint_type, backend, label,
    /// model_id, tokenizer_id, num_prompts, metadata, burstiness), the metrics (request_rate and max_concurrency
    /// among them), rtfx (0 for text), latencies and queue_times for every request, the client queue statistics
    /// when a concurrency limit was set (and queue-inclusive E2EL when the rate was finite too), the per-request
    /// lists of <c>--save-detailed</c> when asked, and GpuBench's own figures apart under "gpubench".
    /// As in vLLM, a failed request has latency, TTFT and output length 0, no ITLs and an empty generated text in these
    /// lists, and generated_texts comes right before errors.
    /// </summary>
    public static string SerializeSaved(SavedResult saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        var m = saved.Metrics;
        var requests = saved.Requests;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("date", saved.Date);
            json.WriteString("endpoint_type", saved.Backend);
            json.WriteString("backend", saved.Backend);
            json.WriteString("label", saved.Label);  // null when no label was given, as vLLM writes it

            json.WriteString("model_id", saved.ModelId);
            json.WriteString("tokenizer_id", saved.TokenizerId);
            json.WriteNumber("num_prompts", saved.NumPrompts);
            foreach (var (key, value) in saved.Metadata)
            {
                json.WriteString(key, value);
            }

            json.WriteNumber("burstiness", saved.Burstiness);
            ServingMetricsJsonConverter.WriteFields(json, m);
            json.WriteNumber("rtfx", 0.0);
            WriteList(json, "latencies", requests, (w, r) => w.WriteNumberValue(r.Success ? r.E2elS : 0));
            WriteList(json, "queue_times", requests, (w, r) => w.WriteNumberValue(r.QueueS));
            if (saved.Detailed)
            {
                WriteList(json, "input_lens", requests, (w, r) => w.WriteNumberValue(r.PromptTokens));
                WriteList(json, "output_lens", requests, (w, r) => w.WriteNumberValue(r.Success ? r.OutputTokens : 0));
                WriteList(json, "ttfts", requests, (w, r) => w.WriteNumberValue(r.Success ? r.TtftS : 0));
                WriteList(json, "itls", requests, (w, r) =>
                {
                    w.WriteStartArray();
                    foreach (var gap in r.Success ? r.ItlS : [])
                    {
                        w.WriteNumberValue(gap);
                    }

                    w.WriteEndArray();
                });
                WriteList(json, "start_times", requests, (w, r) => w.WriteNumberValue(r.StartS));
                WriteList(json, "generated_texts", requests, (w, r) => w.WriteStringValue(r.Success ? r.GeneratedText ?? "" : ""));
                WriteList(json, "errors", requests, (w, r) => w.WriteStringValue(r.Error ?? ""));
            }

            if (m.MaxConcurrency is not null)
            {
                var ok = requests.Where(r => r.Success).ToArray();
                ServingMetricsJsonConverter.WriteStats(json, "client_queue_time",
                    SampleStatistics.SummariseSecondsAsMs([.. ok.Select(r => r.QueueS)], saved.Percentiles));
                if (!double.IsPositiveInfinity(m.RequestRate))
                {
                    ServingMetricsJsonConverter.WriteStats(json, "e2el_including_client_queue",
                        SampleStatistics.SummariseSecondsAsMs([.. ok.Select(r => r.E2elS + r.QueueS)], saved.Percentiles));
                }
            }

            ServingMetricsJsonConverter.WriteOwn(json, m, Options);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteList(Utf8JsonWriter json, string name, IReadOnlyList<RequestRecord> requests, Action<Utf8JsonWriter, RequestRecord> item)
    {
        json.WriteStartArray(name);
        foreach (var r in requests)
        {
            item(json, r);
        }

        json.WriteEndArray();
    }

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
