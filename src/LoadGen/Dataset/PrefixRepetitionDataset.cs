namespace GpuBench.LoadGen.Dataset;

/// <summary>
/// vLLM's <c>PrefixRepetitionRandomDataset</c> (vllm/benchmarks/datasets.py, v0.11.0): <c>num_prefixes</c> random
/// prefixes of <c>prefix_len</c> tokens, each followed by <c>num_prompts // num_prefixes</c> different random suffixes
/// of <c>suffix_len</c> tokens (so a run of 100 prompts over 3 prefixes sends 99), shuffled with Python's
/// <c>random.seed(seed)</c>. Shared prefixes are what the engine's prefix cache reuses. The tokens are ordinary words
/// of the served model (see <see cref="RandomDataset"/>), each prompt exactly prefix + suffix tokens long.
/// </summary>
public static class PrefixRepetitionDataset
{
    public static async Task<List<SampleRequest>> SampleAsync(
        ITextTokenizer tokenizer, int numPrompts, int prefixLen, int suffixLen, int numPrefixes, int outputLen, int seed,
        int parallelism, CancellationToken cancellationToken)
    {
        var perPrefix = numPrompts / numPrefixes;
        if (perPrefix == 0)
        {
            throw new ArgumentException($"--num-prompts ({numPrompts}) must be at least --prefix-repetition-num-prefixes ({numPrefixes}).");
        }

        var pool = await RandomDataset.WordPoolAsync(tokenizer, cancellationToken).ConfigureAwait(false);
        var prefixes = new (string Text, int Tokens)[numPrefixes];
        await Parallel.ForAsync(0, numPrefixes, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (p, ct) => prefixes[p] = prefixLen == 0
                ? ("", 0)
                : await RandomDataset.ExactTextAsync(tokenizer, pool, "", 0, prefixLen, new Random(Seeds.For(seed, -1000 - p)), ct).ConfigureAwait(false))
            .ConfigureAwait(false);

        var samples = new SampleRequest[numPrefixes * perPrefix];
        await Parallel.ForAsync(0, samples.Length, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var (prefix, prefixTokens) = prefixes[i / perPrefix];
                var (text, tokens) = await RandomDataset.ExactTextAsync(
                    tokenizer, pool, prefix, prefixTokens, prefixLen + suffixLen, new Random(Seeds.For(seed, i)), ct).ConfigureAwait(false);
                samples[i] = new SampleRequest(i, text, tokens, outputLen);
            }).ConfigureAwait(false);

        var shuffled = samples.ToList();
        new PythonRandom(seed).Shuffle(shuffled);
        return [.. shuffled.Select((s, i) => s with { Index = i })];
    }
}
