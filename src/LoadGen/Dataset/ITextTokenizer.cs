namespace GpuBench.LoadGen.Dataset;

/// <summary>The served model's tokenizer, as far as building prompts of exact lengths needs it.</summary>
public interface ITextTokenizer
{
    Task<int[]> TokenizeAsync(string text, CancellationToken cancellationToken);

    Task<string> DetokenizeAsync(int[] tokens, CancellationToken cancellationToken);
}

/// <summary>The server cannot tokenize (no /tokenize or /detokenize); the message says what to do.</summary>
public sealed class TokenizerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
