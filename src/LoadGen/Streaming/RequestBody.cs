using System.Text.Json;
using GpuBench.LoadGen.Dataset;
using GpuBench.LoadGen.Options;

namespace GpuBench.LoadGen.Streaming;

/// <summary>
/// The JSON body vLLM's benchmark client sends for each backend, serialised once before the run so the timed
/// window spends nothing on it.
/// </summary>
public static class RequestBody
{
    public static byte[] Serialize(SampleRequest sample, string model, LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(options);
        using var buffer = new MemoryStream(sample.Prompt.Length + 256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            if (options.Backend == Backend.OpenAIChat)
            {
                json.WriteStartArray("messages");
                json.WriteStartObject();
                json.WriteString("role", "user");
                json.WriteString("content", sample.Prompt);
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteNumber("max_completion_tokens", sample.OutputTokens);
            }
            else
            {
                json.WriteString("prompt", sample.Prompt);
                json.WriteNumber("max_tokens", sample.OutputTokens);
                json.WriteNumber("repetition_penalty", 1.0);
            }

            json.WriteNumber("temperature", 0.0);
            json.WriteBoolean("stream", true);
            json.WriteStartObject("stream_options");
            json.WriteBoolean("include_usage", true);
            if (options.ContinuousUsageStats)
            {
                json.WriteBoolean("continuous_usage_stats", true);
            }

            json.WriteEndObject();
            if (options.IgnoreEos)
            {
                json.WriteBoolean("ignore_eos", true);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
