namespace GpuBench.Simulation.Tokenization;

/// <summary>
/// The simulated models' chat template: each message costs <see cref="TokensPerMessage"/> tokens around its content,
/// and opening the assistant's reply <see cref="TokensForReply"/> more (id 0 each), so a conversation's prompt is the
/// previous turn's prompt followed by the answer and the next question, as with real templates.
/// </summary>
public static class ChatTemplate
{
    public const int TokensPerMessage = 4;
    public const int TokensForReply = 3;

    /// <summary>The prompt of a chat request whose messages have these contents, the assistant's reply opened.</summary>
    public static List<int> Apply(IEnumerable<string> contents, SyllableTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(contents);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var ids = new List<int>();
        foreach (var content in contents)
        {
            ids.AddRange(Enumerable.Repeat(0, TokensPerMessage));
            ids.AddRange(tokenizer.Encode(content));
        }

        ids.AddRange(Enumerable.Repeat(0, TokensForReply));
        return ids;
    }
}
