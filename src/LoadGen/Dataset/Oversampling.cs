namespace GpuBench.LoadGen.Dataset;

/// <summary>
/// vLLM's <c>BenchmarkDataset.maybe_oversample_requests</c> (vllm/benchmarks/datasets.py, v0.11.0): when fewer
/// valid requests remain than <c>--num-prompts</c>, <c>random.seed(seed)</c> and then <c>random.choice</c> over the
/// valid ones for each missing request, appended after them; nothing with <c>--no-oversample</c>.
/// </summary>
public static class Oversampling
{
    public static List<SampleRequest> Apply(IReadOnlyList<SampleRequest> requests, int numPrompts, int seed, bool noOversample)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var all = requests.ToList();
        if (noOversample || requests.Count >= numPrompts || requests.Count == 0)
        {
            return all;
        }

        var random = new PythonRandom(seed);
        for (var i = requests.Count; i < numPrompts; i++)
        {
            all.Add(random.Choice(requests) with { Index = i });
        }

        return all;
    }
}
