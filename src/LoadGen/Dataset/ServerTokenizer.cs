using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using GpuBench.Core.Tracing;

namespace GpuBench.LoadGen.Dataset;

/// <summary>The served model's tokenizer through vLLM's <c>POST /tokenize</c> and <c>POST /detokenize</c>.</summary>
public sealed class ServerTokenizer(HttpClient http, Uri baseUrl, string model) : ITextTokenizer
{
    public async Task<int[]> TokenizeAsync(string text, CancellationToken cancellationToken)
    {
        var response = await PostAsync<TokenizeResponse>("tokenize", new TokenizeRequest(model, text, false), cancellationToken).ConfigureAwait(false);
        return response.Tokens ?? throw new TokenizerUnavailableException($"{Url("tokenize")} answered without a \"tokens\" array.");
    }

    public async Task<string> DetokenizeAsync(int[] tokens, CancellationToken cancellationToken)
    {
        var response = await PostAsync<DetokenizeResponse>("detokenize", new DetokenizeRequest(model, tokens), cancellationToken).ConfigureAwait(false);
        return response.Prompt ?? throw new TokenizerUnavailableException($"{Url("detokenize")} answered without a \"prompt\" string.");
    }

    public async Task<int> CountAsync(string text, CancellationToken cancellationToken)
    {
        var response = await PostAsync<TokenizeResponse>("tokenize", new TokenizeRequest(model, text, true), cancellationToken).ConfigureAwait(false);
        return (response.Tokens ?? throw new TokenizerUnavailableException($"{Url("tokenize")} answered without a \"tokens\" array.")).Length;
    }

    public Task<int[]> TokenizeChatAsync(string userMessage, CancellationToken cancellationToken) =>
        TokenizeChatAsync([new ChatMessage(ChatMessage.User, userMessage)], cancellationToken);

    public async Task<int> CountChatAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken) =>
        (await TokenizeChatAsync(messages, cancellationToken).ConfigureAwait(false)).Length;

    private async Task<int[]> TokenizeChatAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var response = await PostAsync<TokenizeResponse>(
            "tokenize", new TokenizeChatRequest(model, messages, true), cancellationToken).ConfigureAwait(false);
        return response.Tokens ?? throw new TokenizerUnavailableException($"{Url("tokenize")} answered without a \"tokens\" array.");
    }

    private Uri Url(string path) => new(baseUrl, path);

    private async Task<T> PostAsync<T>(string path, object body, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            // Building the dataset is setup, not benchmark load: thousands of these would flood the trace view.
            using var request = new HttpRequestMessage(HttpMethod.Post, Url(path)) { Content = JsonContent.Create(body) };
            request.Headers.MarkUntraced();
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new TokenizerUnavailableException($"Could not reach {Url(path)}: {e.Message}", e);
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.NotFound
                && await ServedModelsAsync(cancellationToken).ConfigureAwait(false) is { } served && !served.Contains(model, StringComparer.Ordinal))
            {
                // vLLM answers 404 for a model it does not serve as for a path it lacks; /v1/models tells them apart.
                throw new TokenizerUnavailableException(
                    $"The server at {baseUrl} does not serve a model named '{model}' (POST /{path} answered 404); it serves: " +
                    $"{(served.Count == 0 ? "none" : string.Join(", ", served))}. Pass one of these names as the model (--model).");
            }

            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
            {
                throw new TokenizerUnavailableException(
                    $"The server has no POST /{path} (HTTP {(int)response.StatusCode} from {Url(path)}). Datasets are built " +
                    "and measured in the served model's tokens through /tokenize and /detokenize; vLLM and GpuBench's " +
                    "simulator expose both. Point --base-url at such a server (the server root, not /v1).");
            }

            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new TokenizerUnavailableException(
                    $"POST {Url(path)} failed with HTTP {(int)response.StatusCode}: {text[..Math.Min(text.Length, 300)]}");
            }

            return await response.Content.ReadFromJsonAsync<T>(cancellationToken).ConfigureAwait(false)
                ?? throw new TokenizerUnavailableException($"{Url(path)} answered null.");
        }
    }

    /// <summary>The model ids GET /v1/models lists; null when the server does not answer it as an OpenAI server would.</summary>
    private async Task<IReadOnlyList<string>?> ServedModelsAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Url("v1/models"));
            request.Headers.MarkUntraced();
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var models = await response.Content.ReadFromJsonAsync<ModelList>(cancellationToken).ConfigureAwait(false);
            return models?.Data?.Select(m => m.Id).OfType<string>().ToList();
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException or NotSupportedException)
        {
            return null;
        }
    }

    private sealed record ModelList([property: JsonPropertyName("data")] ModelEntry[]? Data);

    private sealed record ModelEntry([property: JsonPropertyName("id")] string? Id);

    private sealed record TokenizeRequest(
        [property: JsonPropertyName("model")] string Model,
        [property: JsonPropertyName("prompt")] string Prompt,
        [property: JsonPropertyName("add_special_tokens")] bool AddSpecialTokens);

    private sealed record TokenizeChatRequest(
        [property: JsonPropertyName("model")] string Model,
        [property: JsonPropertyName("messages")] IReadOnlyList<ChatMessage> Messages,
        [property: JsonPropertyName("add_generation_prompt")] bool AddGenerationPrompt);

    private sealed record TokenizeResponse([property: JsonPropertyName("tokens")] int[]? Tokens);

    private sealed record DetokenizeRequest(
        [property: JsonPropertyName("model")] string Model,
        [property: JsonPropertyName("tokens")] int[] Tokens);

    private sealed record DetokenizeResponse([property: JsonPropertyName("prompt")] string? Prompt);
}
