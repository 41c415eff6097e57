namespace GpuBench.LoadGen.Dataset;

/// <summary>
/// vLLM's random dataset with exact lengths in the served model's tokens: token ids are drawn from the ids of
/// ordinary text (so no special tokens), detokenized, re-tokenized, and padded or truncated until the text is
/// exactly the wanted length. Every request i draws from its own generator seeded by (seed, i), so a run's
/// prompts do not depend on the order the server answers in.
/// </summary>
public static class RandomDataset
{
    // Ordinary words whose token ids make the sampling vocabulary: tokenizing plain text never yields special tokens.
    private const string Vocabulary =
        "the of and to in is was for on that with as by at from his her an were are which this be or had not " +
        "but first one their its new after who they have two has been other when there all during into school " +
        "time may years more most only over city some world would where later up such used many can state about " +
        "national out known university united then made between part under three while being people through " +
        "system number water river house music market power energy light green small large north south east west " +
        "model paper table window garden stone cloud forest mountain ocean signal memory network engine theory " +
        "question answer letter number circle square yellow silver golden morning evening winter summer spring " +
        "autumn doctor teacher village harbor bridge tower castle museum library planet orbit rocket camera " +
        "Apple River Paris Tokyo seven eleven twelve thirty hundred thousand million 1 2 3 42 2024 , . ; ( ) -";

    private const int MaxAdjustments = 16;

    /// <summary>Input and output lengths per vLLM's range ratio: uniform integers in the documented intervals.</summary>
    public static (int Input, int Output) Lengths(Random random, int inputLen, int outputLen, double rangeRatio)
    {
        ArgumentNullException.ThrowIfNull(random);
        var inputLow = (int)Math.Floor(inputLen * (1 - rangeRatio));
        var inputHigh = (int)Math.Ceiling(inputLen * (1 + rangeRatio));
        var outputLow = Math.Max(1, (int)Math.Floor(outputLen * (1 - rangeRatio)));
        var outputHigh = (int)Math.Ceiling(outputLen * (1 + rangeRatio));
        return (random.Next(inputLow, inputHigh + 1), random.Next(outputLow, outputHigh + 1));
    }

    public static async Task<SampleRequest[]> BuildAsync(
        ITextTokenizer tokenizer, int count, int inputLen, int outputLen, double rangeRatio, int prefixLen, int seed,
        int parallelism, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var pool = await WordPoolAsync(tokenizer, cancellationToken).ConfigureAwait(false);
        var (prefix, prefixTokens) = prefixLen > 0
            ? await ExactTextAsync(tokenizer, pool, "", 0, prefixLen, new Random(Seeds.For(seed, -1)), cancellationToken).ConfigureAwait(false)
            : ("", 0);

        var samples = new SampleRequest[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var random = new Random(Seeds.For(seed, i));
                var (input, output) = Lengths(random, inputLen, outputLen, rangeRatio);
                var (prompt, tokens) = await ExactTextAsync(tokenizer, pool, prefix, prefixTokens, prefixLen + input, random, ct).ConfigureAwait(false);
                samples[i] = new SampleRequest(i, prompt, tokens, output);
            }).ConfigureAwait(false);
        return samples;
    }

    /// <summary>The token ids of ordinary words in the served model's vocabulary, the ids prompts are drawn from.</summary>
    public static async Task<int[]> WordPoolAsync(ITextTokenizer tokenizer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var pool = (await tokenizer.TokenizeAsync(Vocabulary, cancellationToken).ConfigureAwait(false)).Distinct().ToArray();
        return pool.Length > 0 ? pool : throw new TokenizerUnavailableException("The server's /tokenize returned no tokens for plain English text.");
    }

    /// <summary>
    /// Text that starts with <paramref name="prefix"/> (<paramref name="prefixTokens"/> tokens on its own) and
    /// tokenizes to exactly <paramref name="length"/> tokens
    /// (or the closest found; merges at the joins of detokenized pieces can leave it a token off in rare cases).
    /// </summary>
    public static async Task<(string Text, int Tokens)> ExactTextAsync(
        ITextTokenizer tokenizer, int[] pool, string prefix, int prefixTokens, int length, Random random, CancellationToken cancellationToken)
    {
        var bodyIds = Enumerable.Range(0, Math.Max(0, length - prefixTokens)).Select(_ => pool[random.Next(pool.Length)]).ToList();
        var best = (Text: prefix, Tokens: prefixTokens);
        var bestError = int.MaxValue;
        for (var attempt = 0; attempt < MaxAdjustments; attempt++)
        {
            var text = prefix + await tokenizer.DetokenizeAsync([.. bodyIds], cancellationToken).ConfigureAwait(false);
            var tokens = await tokenizer.TokenizeAsync(text, cancellationToken).ConfigureAwait(false);
            var error = tokens.Length - length;
            if (Math.Abs(error) < bestError)
            {
                (best, bestError) = ((text, tokens.Length), Math.Abs(error));
            }

            if (error == 0)
            {
                break;
            }

            if (error > 0)
            {
                bodyIds.RemoveRange(Math.Max(0, bodyIds.Count - error), Math.Min(error, bodyIds.Count));
            }
            else
            {
                bodyIds.AddRange(Enumerable.Range(0, -error).Select(_ => pool[random.Next(pool.Length)]));
            }
        }

        return best;
    }
}
