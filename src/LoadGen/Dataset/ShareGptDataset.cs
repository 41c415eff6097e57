using System.Text.Json;

namespace GpuBench.LoadGen.Dataset;

/// <summary>
/// vLLM's <c>ShareGPTDataset</c> (vllm/benchmarks/datasets.py, v0.11.0): a JSON array of entries; those with a
/// <c>conversations</c> list of at least two turns are kept and shuffled with Python's <c>random.seed(seed)</c>
/// (unless <c>--disable-shuffle</c>). In that order, turn 0's value is the prompt and turn 1's token count the output
/// length (or <c>--sharegpt-output-len</c>), an entry failing <see cref="IsValidSequence"/> is skipped, and sampling
/// stops at <c>--num-prompts</c>; fewer are oversampled by <see cref="Oversampling"/>. Lengths are counted as vLLM's
/// <c>tokenizer(text).input_ids</c> does, special tokens included, by the served model's /tokenize.
/// </summary>
public static class ShareGptDataset
{
    /// <summary>vLLM's <c>is_valid_sequence</c> defaults.</summary>
    public const int MinLen = 4;
    public const int MaxPromptLen = 1024;
    public const int MaxTotalLen = 2048;

    /// <summary>One usable conversation: its first two turns and where it starts in the file.</summary>
    public sealed record Conversation(DatasetItem Item, IReadOnlyList<string> Turns);

    /// <summary>
    /// vLLM's <c>is_valid_sequence(prompt_len, output_len, skip_min_output_len_check)</c>: the prompt at least 4
    /// tokens and at most 1024, the output at least 4 (unless the output length was given), both together at most 2048.
    /// </summary>
    public static bool IsValidSequence(int promptLen, int outputLen, bool skipMinOutputLenCheck) =>
        promptLen >= MinLen && (skipMinOutputLenCheck || outputLen >= MinLen) && promptLen <= MaxPromptLen && promptLen + outputLen <= MaxTotalLen;

    /// <summary>The entries with at least two turns, in file order; a malformed entry is an error at its place.</summary>
    public static IReadOnlyList<Conversation> Read(string path, out int tooShort)
    {
        var conversations = new List<Conversation>();
        tooShort = 0;
        var number = 0;
        foreach (var item in DatasetFile.ReadArray(path))
        {
            number++;
            if (item.Value.ValueKind != JsonValueKind.Object)
            {
                throw new DatasetFileException(path, item.Line, item.Column, $"entry {number} is not an object; ShareGPT entries are {{\"conversations\": [{{\"from\": \"human\", \"value\": \"...\"}}, ...]}}.");
            }

            if (!item.Value.TryGetProperty("conversations", out var turns) || turns.ValueKind != JsonValueKind.Array || turns.GetArrayLength() < 2)
            {
                tooShort++;
                continue;
            }

            var texts = new List<string>();
            var index = 0;
            foreach (var turn in turns.EnumerateArray())
            {
                if (turn.ValueKind != JsonValueKind.Object || !turn.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.String)
                {
                    throw new DatasetFileException(path, item.Line, item.Column, $"entry {number}: conversations[{index}] needs a string \"value\".");
                }

                texts.Add(value.GetString()!);
                index++;
            }

            conversations.Add(new Conversation(item, texts));
        }

        return conversations;
    }

    public static async Task<List<SampleRequest>> SampleAsync(
        string path, ITextTokenizer tokenizer, int numPrompts, int? outputLen, int seed, bool disableShuffle, bool noOversample,
        int parallelism, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var conversations = Read(path, out var tooShort).ToList();
        if (!disableShuffle)
        {
            new PythonRandom(seed).Shuffle(conversations);
        }

        var samples = new List<SampleRequest>();
        var filtered = 0;
        for (var start = 0; start < conversations.Count && samples.Count < numPrompts; start += parallelism)
        {
            var window = conversations.Skip(start).Take(parallelism).ToArray();
            var lengths = await Task.WhenAll(window.Select(async c => (
                Prompt: await tokenizer.CountAsync(c.Turns[0], cancellationToken).ConfigureAwait(false),
                Output: outputLen ?? await tokenizer.CountAsync(c.Turns[1], cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);
            for (var i = 0; i < window.Length && samples.Count < numPrompts; i++)
            {
                if (!IsValidSequence(lengths[i].Prompt, lengths[i].Output, outputLen is not null))
                {
                    filtered++;
                    continue;
                }

                samples.Add(new SampleRequest(samples.Count, window[i].Turns[0], lengths[i].Prompt, lengths[i].Output));
            }
        }

        if (samples.Count == 0)
        {
            throw DatasetFileException.WholeFile(path,
                $"no valid conversation: {tooShort} entries have fewer than two turns and {filtered} fail vLLM's length filter " +
                $"(prompt {MinLen}–{MaxPromptLen} tokens, answer at least {MinLen} unless --sharegpt-output-len is given, " +
                $"both together at most {MaxTotalLen}).");
        }

        return Oversampling.Apply(samples, numPrompts, seed, noOversample);
    }
}
