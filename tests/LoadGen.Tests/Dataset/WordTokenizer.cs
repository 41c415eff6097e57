using System.Collections.Concurrent;
using GpuBench.LoadGen.Dataset;

namespace GpuBench.LoadGen.Tests.Dataset;

/// <summary>
/// A tokenizer fake for dataset tests: a whitespace-separated word is a token. <see cref="ITextTokenizer.CountAsync"/>
/// adds one special token (a BOS, as vLLM's <c>tokenizer(text)</c> counts it), and the chat template adds four
/// "&lt;t&gt;" tokens, so expectations can be worked out by hand. Detokenized tokens each carry a leading space.
/// </summary>
internal sealed class WordTokenizer : ITextTokenizer
{
    public const int SpecialTokens = 1;
    public const int TemplateTokens = 4;
    private readonly ConcurrentDictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, string> _words = new();

    public static int Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    public Task<int[]> TokenizeAsync(string text, CancellationToken cancellationToken) =>
        Task.FromResult(text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(IdOf).ToArray());

    public Task<string> DetokenizeAsync(int[] tokens, CancellationToken cancellationToken) =>
        Task.FromResult(string.Concat(tokens.Select(t => " " + _words[t])));

    public Task<int> CountAsync(string text, CancellationToken cancellationToken) => Task.FromResult(Words(text) + SpecialTokens);

    public async Task<int[]> TokenizeChatAsync(string userMessage, CancellationToken cancellationToken) =>
        [.. Enumerable.Repeat(IdOf("<t>"), TemplateTokens), .. await TokenizeAsync(userMessage, cancellationToken)];

    /// <summary>Each message is its words plus <see cref="TemplateTokens"/>; opening the assistant's turn adds <see cref="TemplateTokens"/> more.</summary>
    public Task<int> CountChatAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken) =>
        Task.FromResult(messages.Sum(m => TemplateTokens + Words(m.Content)) + TemplateTokens);

    private int IdOf(string word) => _ids.GetOrAdd(word, w =>
    {
        var id = _ids.Count;
        _words[id] = w;
        return id;
    });
}
