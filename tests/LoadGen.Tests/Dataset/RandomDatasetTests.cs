using GpuBench.LoadGen.Dataset;

namespace GpuBench.LoadGen.Tests.Dataset;

public class RandomDatasetTests
{
    /// <summary>
    /// A fake tokenizer with a merge: "A B" after detokenizing re-tokenizes as one token, the way real BPE merges
    /// across joins, so the dataset has to adjust to reach exact lengths. Other words map to an id by their length,
    /// so the sampling vocabulary (the ids of plain text) covers every word, A and B included.
    /// </summary>
    private sealed class MergingTokenizer : ITextTokenizer
    {
        private static readonly string[] Words = ["the", "cat", "sat", "A", "B", "AB", "on", "mat"];

        public Task<int[]> TokenizeAsync(string text, CancellationToken cancellationToken) =>
            Task.FromResult(text.Replace("A B", "AB", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(w => Array.IndexOf(Words, w) is var i and >= 0 ? i : w.Length % Words.Length).ToArray());

        public Task<string> DetokenizeAsync(int[] tokens, CancellationToken cancellationToken) =>
            Task.FromResult(string.Join(' ', tokens.Select(t => Words[t])));

        public async Task<int> CountAsync(string text, CancellationToken cancellationToken) => (await TokenizeAsync(text, cancellationToken)).Length;

        public Task<int[]> TokenizeChatAsync(string userMessage, CancellationToken cancellationToken) => TokenizeAsync(userMessage, cancellationToken);

        public Task<int> CountChatAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The random dataset counts no conversations.");
    }

    private static Task<SampleRequest[]> Build(int count, int input, int output, double ratio, int prefix, int seed) =>
        RandomDataset.BuildAsync(new MergingTokenizer(), count, input, output, ratio, prefix, seed, 4, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Prompts_have_exactly_the_requested_number_of_tokens()
    {
        var tokenizer = new MergingTokenizer();
        var samples = await Build(50, 30, 5, 0, 0, 1);

        foreach (var s in samples)
        {
            Assert.Equal(30, (await tokenizer.TokenizeAsync(s.Prompt, TestContext.Current.CancellationToken)).Length);
            Assert.Equal(30, s.PromptTokens);
            Assert.Equal(5, s.OutputTokens);
        }
    }

    [Fact]
    public async Task Range_ratio_draws_lengths_from_the_documented_intervals()
    {
        // input 10, r = 0.5: [⌊5⌋, ⌈15⌉]; output 3, r = 0.5: [max(1, ⌊1.5⌋), ⌈4.5⌉] = [1, 5].
        var samples = await Build(300, 10, 3, 0.5, 0, 2);

        Assert.All(samples, s => Assert.InRange(s.PromptTokens, 5, 15));
        Assert.All(samples, s => Assert.InRange(s.OutputTokens, 1, 5));
        Assert.Contains(samples, s => s.PromptTokens == 5);
        Assert.Contains(samples, s => s.PromptTokens == 15);
        Assert.Contains(samples, s => s.OutputTokens == 1);
        Assert.Contains(samples, s => s.OutputTokens == 5);
    }

    [Fact]
    public async Task Every_prompt_starts_with_the_same_prefix_and_counts_it()
    {
        var samples = await Build(20, 10, 2, 0, 6, 3);
        var prefix = string.Join(' ', samples[0].Prompt.Split(' ').Take(4));

        Assert.All(samples, s => Assert.StartsWith(prefix, s.Prompt, StringComparison.Ordinal));
        Assert.All(samples, s => Assert.Equal(16, s.PromptTokens));
    }

    [Fact]
    public async Task A_seed_fixes_the_dataset()
    {
        var a = await Build(10, 20, 4, 0.3, 2, 9);
        var b = await Build(10, 20, 4, 0.3, 2, 9);
        var c = await Build(10, 20, 4, 0.3, 2, 10);

        Assert.Equal(a, b);
        Assert.NotEqual(a.Select(s => s.Prompt), c.Select(s => s.Prompt));
    }
}
