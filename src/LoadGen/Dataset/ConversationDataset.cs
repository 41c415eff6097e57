namespace GpuBench.LoadGen.Dataset;

/// <summary>
/// ShareGPT conversations replayed turn by turn (<c>--dataset-name sharegpt --multi-turn</c>), with the semantics of
/// vLLM's multi-turn benchmark (benchmarks/multi_turn/benchmark_serving_multi_turn.py, v0.11.0): messages alternate
/// user and assistant by position; turn k sends the user messages 0…k with the answers between them, the model's own
/// answers in place of the file's once it has given them; turn k asks for as many tokens as the file's answer k has
/// (<c>tokenizer(answer, add_special_tokens=False)</c>, at least 1), or <c>--sharegpt-output-len</c>. A trailing user
/// message without an answer is not sent (it has no output length). The conversations with at least two messages
/// are shuffled as the single-turn dataset's entries are (<c>random.seed(seed)</c>, unless <c>--disable-shuffle</c>);
/// the first <c>--num-prompts</c> are replayed, and fewer are oversampled by <see cref="Oversampling"/>.
/// </summary>
public static class ConversationDataset
{
    /// <summary>Every turn of the chosen conversations, conversation by conversation, numbered in that order.</summary>
    public static async Task<List<SampleRequest>> SampleAsync(
        string path, ITextTokenizer tokenizer, int numConversations, int? outputLen, int seed, bool disableShuffle, bool noOversample,
        int parallelism, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var conversations = ShareGptDataset.Read(path, out var tooShort).ToList();
        if (conversations.Count == 0)
        {
            throw DatasetFileException.WholeFile(path,
                $"no conversation to replay: {tooShort} entries have fewer than two turns (a user message and its answer).");
        }

        if (!disableShuffle)
        {
            new PythonRandom(seed).Shuffle(conversations);
        }

        var chosen = Oversampling.Choose([.. conversations.Take(numConversations)], numConversations, seed, noOversample, (c, _) => c);
        var turns = new IReadOnlyList<SampleRequest>[chosen.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, chosen.Count),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (c, token) => turns[c] = await TurnsAsync(chosen[c].Turns, c, tokenizer, outputLen, token).ConfigureAwait(false)).ConfigureAwait(false);
        return [.. turns.SelectMany(t => t).Select((turn, index) => turn with { Index = index })];
    }

    /// <summary>
    /// The turns of one conversation. A turn's prompt length is its history through the chat template, counted with the
    /// file's answers and corrected by the difference between each earlier output length and its answer's length, so it
    /// is what the server will count when the model's answers have the lengths asked for.
    /// </summary>
    private static async Task<IReadOnlyList<SampleRequest>> TurnsAsync(
        IReadOnlyList<string> texts, int conversation, ITextTokenizer tokenizer, int? outputLen, CancellationToken cancellationToken)
    {
        var messages = new List<ChatMessage>();
        var turns = new List<SampleRequest>();
        var correction = 0;
        for (var k = 0; 2 * k + 1 < texts.Count; k++)
        {
            messages.Add(new ChatMessage(ChatMessage.User, texts[2 * k]));
            var history = await tokenizer.CountChatAsync(messages, cancellationToken).ConfigureAwait(false);
            var answer = (await tokenizer.TokenizeAsync(texts[2 * k + 1], cancellationToken).ConfigureAwait(false)).Length;
            var output = outputLen ?? Math.Max(1, answer);
            turns.Add(new SampleRequest(0, texts[2 * k], history + correction, output, Conversation: conversation, Turn: k));
            correction += output - answer;
            messages.Add(new ChatMessage(ChatMessage.Assistant, texts[2 * k + 1]));
        }

        return turns;
    }
}
