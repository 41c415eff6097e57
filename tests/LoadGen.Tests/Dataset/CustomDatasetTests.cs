using GpuBench.LoadGen.Dataset;

namespace GpuBench.LoadGen.Tests.Dataset;

public class CustomDatasetTests : IDisposable
{
    private readonly DatasetFiles _files = new();
    private readonly string _path;

    public CustomDatasetTests() => _path = _files.Write("prompts.jsonl",
        "{\"prompt\": \"alpha beta\", \"output_tokens\": 5}\n{\"prompt\": \"gamma delta epsilon\", \"output_tokens\": 7}\n\n{\"prompt\": \"zeta\", \"output_tokens\": 9}\n");

    public void Dispose() => _files.Dispose();

    private Task<List<SampleRequest>> Sample(
        string path, int numPrompts, int outputLen = 256, bool skipTemplate = false, bool chat = true, bool disableShuffle = true, bool noOversample = false) =>
        CustomDataset.SampleAsync(path, new WordTokenizer(), numPrompts, outputLen, skipTemplate, chat, 0, disableShuffle, noOversample, 2,
            TestContext.Current.CancellationToken);

    [Fact]
    public async Task Without_the_template_prompts_are_counted_and_sent_as_they_are()
    {
        var samples = await Sample(_path, 3, skipTemplate: true);

        Assert.Equal(["alpha beta", "gamma delta epsilon", "zeta"], samples.Select(s => s.Prompt));
        Assert.Equal([3, 4, 2], samples.Select(s => s.PromptTokens));
        Assert.All(samples, s => Assert.Equal(256, s.OutputTokens));
    }

    [Fact]
    public async Task With_the_template_the_length_is_the_templated_one()
    {
        var chat = await Sample(_path, 3);
        var completions = await Sample(_path, 3, chat: false);

        Assert.Equal([6, 7, 5], chat.Select(s => s.PromptTokens));
        Assert.Equal("alpha beta", chat[0].Prompt);
        Assert.Equal([6, 7, 5], completions.Select(s => s.PromptTokens));
        Assert.Equal(" <t> <t> <t> <t> alpha beta", completions[0].Prompt);
    }

    [Fact]
    public async Task Output_len_minus_one_takes_each_lines_output_tokens()
    {
        Assert.Equal([5, 7, 9], (await Sample(_path, 3, outputLen: -1, skipTemplate: true)).Select(s => s.OutputTokens));
    }

    [Fact]
    public async Task Shuffle_and_oversampling_follow_vLLM()
    {
        // random.seed(0); random.shuffle(list(range(3))) gives [0, 2, 1]; then two random.choice over the three: 1, 1.
        var samples = await Sample(_path, 5, skipTemplate: true, disableShuffle: false);

        Assert.Equal(["alpha beta", "zeta", "gamma delta epsilon", "zeta", "zeta"], samples.Select(s => s.Prompt));
        Assert.Equal(3, (await Sample(_path, 5, skipTemplate: true, noOversample: true)).Count);
    }

    [Theory]
    [InlineData("{\"prompt\": \"a\"}\n{\"text\": \"b\"}\n", 2, 1, "the line has no \"prompt\"")]
    [InlineData("{\"prompt\": \"a\"}\n  {\"prompt\": 3}\n", 2, 3, "\"prompt\" must be a string")]
    [InlineData("{\"prompt\": \"a\"}\n\n{\"prompt\": \"b\",}\n", 3, 16, "not valid JSON")]
    [InlineData("{\"prompt\": \"a\", \"output_tokens\": \"many\"}\n", 1, 17, "\"output_tokens\" must be a positive integer")]
    public void Bad_lines_are_reported_at_their_line_and_column(string text, int line, int column, string problem)
    {
        var path = _files.Write("bad.jsonl", text);

        var e = Assert.Throws<DatasetFileException>(() => CustomDataset.Read(path, needOutputTokens: false));

        Assert.StartsWith($"{path}:{line}:{column}: {problem}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_len_minus_one_needs_output_tokens_on_every_line()
    {
        var path = _files.Write("no-output.jsonl", "{\"prompt\": \"a\", \"output_tokens\": 3}\n{\"prompt\": \"b\"}\n");

        var e = Assert.Throws<DatasetFileException>(() => CustomDataset.Read(path, needOutputTokens: true));

        Assert.StartsWith($"{path}:2:1: the line has no \"output_tokens\"", e.Message, StringComparison.Ordinal);
    }
}
