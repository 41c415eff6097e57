using System.Text.Json;

namespace GpuBench.LoadGen.Streaming;

/// <summary>What the load generator needs from one SSE data payload of an OpenAI-style stream.</summary>
public readonly record struct SseEvent(bool IsDone, bool HasChoices, int? PromptTokens, int? CompletionTokens, bool IsError)
{
    /// <summary>
    /// Reads one payload (the bytes after "data:") without allocating: whether <c>choices</c> is a non-empty array,
    /// the <c>usage</c> token counts, and whether the server sent an <c>error</c> object instead of a chunk.
    /// </summary>
    /// <param name="payload">The bytes after "data:".</param>
    /// <param name="text">
    /// When given, the first choice's text is appended to it as vLLM's client keeps it: <c>delta.content</c> of a chat
    /// chunk, <c>text</c> of a completions chunk (null or absent adds nothing). Null on the default path, which then
    /// skips the choices unread.
    /// </param>
    /// <exception cref="MalformedStreamException">The payload is neither [DONE] nor a JSON object.</exception>
    public static SseEvent Parse(ReadOnlySpan<byte> payload, GeneratedTextBuffer? text = null)
    {
        payload = payload.Trim(" \t"u8);
        if (payload.SequenceEqual("[DONE]"u8))
        {
            return new SseEvent(true, false, null, null, false);
        }

        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new MalformedStreamException("an SSE data payload is not a JSON object");
            }

            bool hasChoices = false, isError = false;
            int? prompt = null, completion = null;
            while (reader.Read() && reader.CurrentDepth > 0)
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                {
                    continue;
                }

                if (reader.ValueTextEquals("choices"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        reader.Read();
                        hasChoices = reader.TokenType != JsonTokenType.EndArray;
                        if (text is not null && reader.TokenType == JsonTokenType.StartObject)
                        {
                            ReadChoiceText(ref reader, text);
                        }
                    }

                    reader.Skip();
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                        {
                            if (reader.TokenType != JsonTokenType.PropertyName)
                            {
                                reader.Skip();
                                continue;
                            }

                            var isPrompt = reader.ValueTextEquals("prompt_tokens"u8);
                            var isCompletion = !isPrompt && reader.ValueTextEquals("completion_tokens"u8);
                            reader.Read();
                            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n))
                            {
                                prompt = isPrompt ? n : prompt;
                                completion = isCompletion ? n : completion;
                            }
                            else
                            {
                                reader.Skip();
                            }
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    isError = true;
                    reader.Read();
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return new SseEvent(false, hasChoices, prompt, completion, isError);
        }
        catch (JsonException e)
        {
            throw new MalformedStreamException($"an SSE data payload is not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>Reads the first choice object to its end, appending its <c>text</c> or <c>delta.content</c>.</summary>
    private static void ReadChoiceText(ref Utf8JsonReader reader, GeneratedTextBuffer text)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("text"u8))
            {
                reader.Read();
                AppendIfString(ref reader, text);
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isContent = reader.ValueTextEquals("content"u8);
                    reader.Read();
                    if (isContent)
                    {
                        AppendIfString(ref reader, text);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void AppendIfString(ref Utf8JsonReader reader, GeneratedTextBuffer text)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            text.Append(ref reader);
        }
        else
        {
            reader.Skip();
        }
    }
}

/// <summary>The response stream is not a well-formed OpenAI SSE stream.</summary>
public sealed class MalformedStreamException(string message, Exception? inner = null) : Exception(message, inner);
