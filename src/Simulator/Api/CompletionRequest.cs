using System.Text;
using System.Text.Json;
using GpuBench.Simulation.Tokenization;

namespace GpuBench.Simulator.Api;

/// <summary>The parts of an OpenAI chat or text completion request the simulator acts on.</summary>
public sealed record CompletionRequest(
    bool Chat,
    string? Model,
    IReadOnlyList<int> PromptIds,
    int? MaxTokens,
    bool Stream,
    bool IncludeUsage,
    bool ContinuousUsage,
    bool IgnoreEos,
    int MinTokens)
{
    public static CompletionRequest Parse(JsonElement body, bool chat, SyllableTokenizer tokenizer)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest("The request body must be a JSON object.");
        }

        var prompt = chat ? ChatPrompt(body, tokenizer) : TextPrompt(body, tokenizer);
        var maxTokens = Int(body, chat ? "max_completion_tokens" : "max_tokens") ?? Int(body, "max_tokens");
        if (maxTokens is < 1)
        {
            throw ApiException.BadRequest("max_tokens must be at least 1.", "max_tokens");
        }

        if (Int(body, "n") is > 1)
        {
            throw ApiException.BadRequest("Only n=1 is supported by the simulator.", "n");
        }

        var stream = Bool(body, "stream");
        var options = body.TryGetProperty("stream_options", out var o) && o.ValueKind == JsonValueKind.Object ? o : default;
        return new CompletionRequest(
            chat,
            body.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String ? model.GetString() : null,
            prompt,
            maxTokens,
            stream,
            options.ValueKind == JsonValueKind.Object && Bool(options, "include_usage"),
            options.ValueKind == JsonValueKind.Object && Bool(options, "continuous_usage_stats"),
            Bool(body, "ignore_eos"),
            Int(body, "min_tokens") ?? 0);
    }

    /// <summary>The text a chat request's messages contribute, as /tokenize with messages counts it too.</summary>
    public static List<int> ChatPrompt(JsonElement body, SyllableTokenizer tokenizer)
    {
        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            throw ApiException.BadRequest("messages must be a non-empty array.", "messages");
        }

        return ChatTemplate.Apply(
            messages.EnumerateArray().Select(m => m.TryGetProperty("content", out var content) ? ContentText(content) : ""), tokenizer);
    }

    public static List<int> TextPrompt(JsonElement body, SyllableTokenizer tokenizer)
    {
        if (!body.TryGetProperty("prompt", out var prompt))
        {
            throw ApiException.BadRequest("prompt is required.", "prompt");
        }

        return prompt.ValueKind switch
        {
            JsonValueKind.String => tokenizer.Encode(prompt.GetString()!),
            JsonValueKind.Array when prompt.GetArrayLength() > 0 && prompt[0].ValueKind == JsonValueKind.Number =>
                prompt.EnumerateArray().Select(e => e.GetInt32()).ToList(),
            JsonValueKind.Array when prompt.GetArrayLength() == 1 && prompt[0].ValueKind == JsonValueKind.String =>
                tokenizer.Encode(prompt[0].GetString()!),
            _ => throw ApiException.BadRequest("prompt must be a string, a one-element list of strings, or a list of token ids.", "prompt"),
        };
    }

    private static string ContentText(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString()!,
        JsonValueKind.Array => content.EnumerateArray()
            .Where(part => part.TryGetProperty("text", out _))
            .Aggregate(new StringBuilder(), (text, part) => text.Append(part.GetProperty("text").GetString()))
            .ToString(),
        _ => "",
    };

    private static int? Int(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? (value.TryGetInt32(out var i) ? i : throw ApiException.BadRequest($"{name} must be an integer.", name))
            : null;

    private static bool Bool(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
