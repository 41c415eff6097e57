using System.Text.Json;
using GpuBench.LoadGen.Dataset;
using GpuBench.LoadGen.Options;

namespace GpuBench.LoadGen.Streaming;

/// <summary>
/// The JSON body vLLM's benchmark client sends for each backend, serialised once before the run so the timed
/// window spends nothing on it (a multi-turn run's turns are serialised when sent: they carry the answers before them).
/// </summary>
public static class RequestBody
{
    public static byte[] Serialize(SampleRequest sample, string model, LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(options);
        return options.Backend == Backend.OpenAIChat
            ? Serialize([new ChatMessage(ChatMessage.User, sample.Prompt)], sample.OutputTokens, model, options)
            : Write(sample.Prompt.Length, model, options, json =>
            {
                json.WriteString("prompt", sample.Prompt);
                json.WriteNumber("max_tokens", sample.OutputTokens);
                json.WriteNumber("repetition_penalty", 1.0);
            });
    }

    /// <summary>A chat request with the whole conversation so far.</summary>
    public static byte[] Serialize(IReadOnlyList<ChatMessage> messages, int outputTokens, string model, LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(options);
        return Write(messages.Sum(m => m.Content.Length), model, options, json =>
        {
            json.WriteStartArray("messages");
            foreach (var message in messages)
            {
                json.WriteStartObject();
                json.WriteString("role", message.Role);
                json.WriteString("content", message.Content);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteNumber("max_completion_tokens", outputTokens);
        });
    }

    private static byte[] Write(int textLength, string model, LoadOptions options, Action<Utf8JsonWriter> prompt)
    {
        using var buffer = new MemoryStream(textLength + 256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            prompt(json);
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
