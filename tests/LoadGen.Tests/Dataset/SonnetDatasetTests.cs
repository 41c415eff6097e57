using GpuBench.LoadGen.Dataset;

namespace GpuBench.LoadGen.Tests.Dataset;

public class SonnetDatasetTests : IDisposable
{
    private readonly DatasetFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Prompts_share_the_first_lines_and_draw_the_rest_with_pythons_choices()
    {
        // Six lines of two words: 3 tokens each with the BOS, so the average is 3. The base prompt is 11 words, 15
        // tokens through the template. Input 30: round((30 − 15) / 3) = 5 lines; prefix 20: round((20 − 15) / 3) = 2.
        // random.seed(1); random.choices(range(6), k=3) gives [0, 5, 4]: lines l0 l5 l4 after the prefix l0 l1.
        var path = _files.Write("sonnet.txt", string.Concat(Enumerable.Range(0, 6).Select(i => $"l{i} x\n")));

        var samples = await SonnetDataset.SampleAsync(path, new WordTokenizer(), 1, 30, 150, 20, true, 1, 2, TestContext.Current.CancellationToken);

        var sample = Assert.Single(samples);
        Assert.Equal(SonnetDataset.BasePrompt + "l0 x\nl1 x\nl0 x\nl5 x\nl4 x\n", sample.Prompt);
        Assert.Equal(4 + 11 + 10, sample.PromptTokens);
        Assert.Equal(150, sample.OutputTokens);
    }

    [Fact]
    public async Task Line_counts_round_half_to_even_as_python_does()
    {
        // One-word lines: 2 tokens each. Input 20: (20 − 15) / 2 = 2.5 rounds to 2 lines, not 3.
        var path = _files.Write("sonnet.txt", "a\nb\nc\n");

        var samples = await SonnetDataset.SampleAsync(path, new WordTokenizer(), 3, 20, 5, 0, true, 0, 2, TestContext.Current.CancellationToken);

        Assert.All(samples, s => Assert.Equal(4 + 11 + 2, s.PromptTokens));
    }

    [Fact]
    public async Task An_input_length_below_the_base_prompt_is_an_error()
    {
        var path = _files.Write("sonnet.txt", "a\n");

        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            SonnetDataset.SampleAsync(path, new WordTokenizer(), 1, 15, 5, 0, true, 0, 2, TestContext.Current.CancellationToken));

        Assert.Contains("--sonnet-input-len 15 must be higher than the base prompt's length (15 tokens)", e.Message, StringComparison.Ordinal);
    }
}
