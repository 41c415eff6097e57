namespace GpuBench.LoadGen.Dataset;

/// <summary>The served model's tokenizer, as far as building and measuring prompts needs it.</summary>
public interface ITextTokenizer
{
    /// <summary>The text's tokens without special tokens (to build prompts of exact lengths).</summary>
    Task<int[]> TokenizeAsync(string text, CancellationToken cancellationToken);

    Task<string> DetokenizeAsync(int[] tokens, CancellationToken cancellationToken);

    /// <summary>The text's length as vLLM's datasets count it, <c>len(tokenizer(text).input_ids)</c>: special tokens included.</summary>
    Task<int> CountAsync(string text, CancellationToken cancellationToken);

    /// <summary>The tokens of one user message through the model's chat template, with the assistant's turn opened.</summary>
    Task<int[]> TokenizeChatAsync(string userMessage, CancellationToken cancellationToken);

    /// <summary>The length of a conversation through the model's chat template, with the assistant's turn opened.</summary>
    Task<int> CountChatAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken);
}

/// <summary>The server cannot tokenize (no /tokenize or /detokenize); the message says what to do.</summary>
public sealed class TokenizerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
