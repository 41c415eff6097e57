namespace GpuBench.LoadGen.Dataset;

/// <summary>
/// vLLM's <c>SonnetDataset</c> (vllm/benchmarks/datasets.py, v0.11.0): poem lines of a text file. Each prompt is
/// "Pick as many lines as you can from these poem lines:\n", the file's first lines as a prefix shared by every
/// prompt (as many as fit <c>--sonnet-prefix-len</c>), then lines drawn with Python's <c>random.choices</c> (seeded
/// by <c>--seed</c>) up to <c>--sonnet-input-len</c>, counted through the chat template; a draw longer than the input
/// length is drawn again. Line counts use Python's round (half to even), as vLLM does.
/// </summary>
public static class SonnetDataset
{
    public const string BasePrompt = "Pick as many lines as you can from these poem lines:\n";

    /// <summary>Consecutive draws over the input length after which no prompt is taken to fit.</summary>
    private const int MaxRejections = 1000;

    public static async Task<List<SampleRequest>> SampleAsync(
        string path, ITextTokenizer tokenizer, int numPrompts, int inputLen, int outputLen, int prefixLen, bool chatBackend, int seed,
        int parallelism, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var lines = DatasetFile.ReadTextLines(path);
        if (lines.Count == 0)
        {
            throw DatasetFileException.WholeFile(path, "the file has no lines; the sonnet dataset reads poem lines, one per line.");
        }

        var lengths = new int[lines.Count];
        await Parallel.ForAsync(0, lines.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) => lengths[i] = await tokenizer.CountAsync(lines[i], ct).ConfigureAwait(false)).ConfigureAwait(false);
        var averageLen = lengths.Average();
        var baseOffset = (await tokenizer.TokenizeChatAsync(BasePrompt, cancellationToken).ConfigureAwait(false)).Length;
        if (inputLen <= baseOffset)
        {
            throw new ArgumentException($"--sonnet-input-len {inputLen} must be higher than the base prompt's length ({baseOffset} tokens).");
        }

        var inputLines = (int)Math.Round((inputLen - baseOffset) / averageLen, MidpointRounding.ToEven);
        var prefixLines = Math.Max((int)Math.Round((prefixLen - baseOffset) / averageLen, MidpointRounding.ToEven), 0);
        var prefix = string.Concat(lines.Take(prefixLines));
        var random = new PythonRandom(seed);
        var samples = new List<SampleRequest>();
        var rejections = 0;
        while (samples.Count < numPrompts)
        {
            var prompt = BasePrompt + prefix + string.Concat(random.Choices(lines, inputLines - prefixLines));
            var templated = await tokenizer.TokenizeChatAsync(prompt, cancellationToken).ConfigureAwait(false);
            if (templated.Length > inputLen)
            {
                if (++rejections >= MaxRejections)
                {
                    throw DatasetFileException.WholeFile(path,
                        $"{MaxRejections} prompts in a row of {inputLines} lines came out longer than --sonnet-input-len {inputLen}; raise it.");
                }

                continue;
            }

            rejections = 0;
            var text = chatBackend ? prompt : await tokenizer.DetokenizeAsync(templated, cancellationToken).ConfigureAwait(false);
            samples.Add(new SampleRequest(samples.Count, text, templated.Length, outputLen));
        }

        return samples;
    }
}
