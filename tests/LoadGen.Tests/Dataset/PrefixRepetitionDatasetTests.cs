using GpuBench.LoadGen.Dataset;

namespace GpuBench.LoadGen.Tests.Dataset;

public class PrefixRepetitionDatasetTests
{
    [Fact]
    public async Task Each_prefix_is_shared_by_num_prompts_over_num_prefixes_prompts()
    {
        var tokenizer = new WordTokenizer();

        // 7 prompts over 3 prefixes: 7 // 3 = 2 each, 6 in all, as vLLM sends.
        var samples = await PrefixRepetitionDataset.SampleAsync(tokenizer, 7, 12, 5, 3, 9, 0, 2, TestContext.Current.CancellationToken);

        Assert.Equal(6, samples.Count);
        Assert.All(samples, s => Assert.Equal(17, s.PromptTokens));
        Assert.All(samples, s => Assert.Equal(17, WordTokenizer.Words(s.Prompt)));
        Assert.All(samples, s => Assert.Equal(9, s.OutputTokens));
        var prefixes = samples.GroupBy(s => string.Join(' ', s.Prompt.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(12))).ToArray();
        Assert.Equal(3, prefixes.Length);
        Assert.All(prefixes, p => Assert.Equal(2, p.Count()));
        Assert.Equal(6, samples.Select(s => s.Prompt).Distinct().Count());
    }

    [Fact]
    public async Task Fewer_prompts_than_prefixes_is_an_error()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            PrefixRepetitionDataset.SampleAsync(new WordTokenizer(), 2, 4, 4, 3, 1, 0, 2, TestContext.Current.CancellationToken));

        Assert.Contains("--num-prompts (2) must be at least --prefix-repetition-num-prefixes (3)", e.Message, StringComparison.Ordinal);
    }
}
