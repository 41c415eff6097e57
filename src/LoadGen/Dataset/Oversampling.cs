namespace GpuBench.LoadGen.Dataset;

/// <summary>
/// vLLM's <c>BenchmarkDataset.maybe_oversample_requests</c> (vllm/benchmarks/datasets.py, v0.11.0): when fewer
/// valid requests remain than <c>--num-prompts</c>, <c>random.seed(seed)</c> and then <c>random.choice</c> over the
/// valid ones for each missing request, appended after them; nothing with <c>--no-oversample</c>.
/// </summary>
public static class Oversampling
{
    public static List<SampleRequest> Apply(IReadOnlyList<SampleRequest> requests, int numPrompts, int seed, bool noOversample) =>
        Choose(requests, numPrompts, seed, noOversample, (chosen, index) => chosen with { Index = index });

    /// <summary>The same rule over any entries (a multi-turn run's conversations); <paramref name="renumber"/> gives a chosen entry its new place.</summary>
    public static List<T> Choose<T>(IReadOnlyList<T> valid, int numPrompts, int seed, bool noOversample, Func<T, int, T> renumber)
    {
        ArgumentNullException.ThrowIfNull(valid);
        ArgumentNullException.ThrowIfNull(renumber);
        var all = valid.ToList();
        if (noOversample || valid.Count >= numPrompts || valid.Count == 0)
        {
            return all;
        }

        var random = new PythonRandom(seed);
        for (var i = valid.Count; i < numPrompts; i++)
        {
            all.Add(renumber(random.Choice(valid), i));
        }

        return all;
    }
}
