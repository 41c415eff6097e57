using System.Text.Json;

namespace GpuBench.LoadGen.Dataset;

/// <summary>
/// vLLM's <c>CustomDataset</c> (vllm/benchmarks/datasets.py, v0.11.0): a JSONL file, one <c>{"prompt": "..."}</c>
/// per line (and <c>output_tokens</c> when <c>--custom-output-len -1</c>), shuffled with Python's
/// <c>random.seed(seed)</c> unless <c>--disable-shuffle</c>, the first <c>--num-prompts</c> taken, fewer oversampled.
/// The prompt's length is counted through the model's chat template (as vLLM counts it) unless
/// <c>--custom-skip-chat-template</c>. vLLM's client sends the templated text, which a chat endpoint templates a
/// second time; GpuBench sends chat requests the user's text and lets the server template it once (the counted
/// length is then what the server sees), and completions requests the templated text.
/// </summary>
public static class CustomDataset
{
    /// <summary>One line of the file: its prompt and, when present, its output_tokens.</summary>
    public sealed record Line(DatasetItem Item, string Prompt, int? OutputTokens);

    /// <summary>Every line; a line that is not an object with a string prompt is an error at its place.</summary>
    public static IReadOnlyList<Line> Read(string path, bool needOutputTokens)
    {
        var lines = new List<Line>();
        foreach (var item in DatasetFile.ReadLines(path))
        {
            if (item.String("prompt") is not { } prompt)
            {
                throw new DatasetFileException(path, item.Line, item.Column,
                    item.Value.ValueKind == JsonValueKind.Object && item.Value.TryGetProperty("prompt", out _)
                        ? "\"prompt\" must be a string."
                        : "the line has no \"prompt\"; each line of a custom dataset is {\"prompt\": \"...\"}.");
            }

            int? output = null;
            if (item.Value.TryGetProperty("output_tokens", out var tokens))
            {
                output = tokens.ValueKind == JsonValueKind.Number && tokens.TryGetInt32(out var n) && n > 0
                    ? n
                    : throw new DatasetFileException(path, item.Line, DatasetFile.ColumnOf(item, "output_tokens"), "\"output_tokens\" must be a positive integer.");
            }
            else if (needOutputTokens)
            {
                throw new DatasetFileException(path, item.Line, item.Column,
                    "the line has no \"output_tokens\", which --custom-output-len -1 takes the output length from.");
            }

            lines.Add(new Line(item, prompt, output));
        }

        return lines.Count > 0 ? lines : throw DatasetFileException.WholeFile(path, "no prompts: the file has no non-blank line.");
    }

    public static async Task<List<SampleRequest>> SampleAsync(
        string path, ITextTokenizer tokenizer, int numPrompts, int outputLen, bool skipChatTemplate, bool chatBackend, int seed,
        bool disableShuffle, bool noOversample, int parallelism, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var lines = Read(path, outputLen == -1).ToList();
        if (!disableShuffle)
        {
            new PythonRandom(seed).Shuffle(lines);
        }

        var chosen = lines.Take(numPrompts).ToArray();
        var samples = new SampleRequest[chosen.Length];
        await Parallel.ForAsync(0, chosen.Length, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var line = chosen[i];
                var (text, tokens) = await PromptAsync(tokenizer, line.Prompt, skipChatTemplate, chatBackend, ct).ConfigureAwait(false);
                samples[i] = new SampleRequest(i, text, tokens, outputLen == -1 ? line.OutputTokens!.Value : outputLen);
            }).ConfigureAwait(false);
        return Oversampling.Apply(samples, numPrompts, seed, noOversample);
    }

    /// <summary>
    /// The text to send and its length: as it is when the template is skipped; else the chat-templated length, with
    /// the user's text for a chat endpoint (the server templates it) or the templated text for completions.
    /// </summary>
    public static async Task<(string Text, int Tokens)> PromptAsync(
        ITextTokenizer tokenizer, string prompt, bool skipChatTemplate, bool chatBackend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (skipChatTemplate)
        {
            return (prompt, await tokenizer.CountAsync(prompt, cancellationToken).ConfigureAwait(false));
        }

        var templated = await tokenizer.TokenizeChatAsync(prompt, cancellationToken).ConfigureAwait(false);
        return chatBackend
            ? (prompt, templated.Length)
            : (await tokenizer.DetokenizeAsync(templated, cancellationToken).ConfigureAwait(false), templated.Length);
    }
}
