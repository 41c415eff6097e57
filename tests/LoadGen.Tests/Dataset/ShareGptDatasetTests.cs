using System.Text.Json;
using GpuBench.LoadGen.Dataset;
using static GpuBench.LoadGen.Tests.Dataset.DatasetFiles;

namespace GpuBench.LoadGen.Tests.Dataset;

public class ShareGptDatasetTests : IDisposable
{
    // Lengths in WordTokenizer tokens are words + 1 (the BOS vLLM's tokenizer(text) counts).
    // f0: one turn only (dropped at load); f7: no conversations (dropped at load).
    // f1: 4 / 4 tokens, the shortest valid;      f2: prompt 3 tokens, too short;
    // f3: 1024 / 1024, the longest valid;        f4: prompt 1025, too long;
    // f5: 1024 / 1025, 2049 together, too long;  f6: 5 / 3, answer too short unless --sharegpt-output-len;
    // f8: 6 / 7, valid.
    private static readonly (string Prompt, string Answer)?[] Entries =
    [
        null, (Words(3, "f1"), Words(3)), (Words(2, "f2"), Words(9)), (Words(1023, "f3"), Words(1023)), (Words(1024, "f4"), Words(3)),
        (Words(1023, "f5"), Words(1024)), (Words(4, "f6"), Words(2)), null, (Words(5, "f8"), Words(6)),
    ];

    private readonly DatasetFiles _files = new();
    private readonly string _path;

    public ShareGptDatasetTests() => _path = _files.Write("chat.json", JsonSerializer.Serialize(Entries.Select((e, i) => e is { } c
        ? (object)new { id = $"f{i}", conversations = new[] { new { from = "human", value = c.Prompt }, new { from = "gpt", value = c.Answer } } }
        : i == 0 ? new { id = "f0", conversations = new[] { new { from = "human", value = "alone" } } } : new { id = "f7" })));

    public void Dispose() => _files.Dispose();

    private Task<List<SampleRequest>> Sample(int numPrompts, int? outputLen = null, bool disableShuffle = false, bool noOversample = false) =>
        ShareGptDataset.SampleAsync(_path, new WordTokenizer(), numPrompts, outputLen, 0, disableShuffle, noOversample, 3, TestContext.Current.CancellationToken);

    private static string Name(SampleRequest s) => s.Prompt.Split(' ')[0];

    [Theory]
    [InlineData(4, 4, true)]
    [InlineData(3, 4, false)]
    [InlineData(4, 3, false)]
    [InlineData(1024, 1024, true)]
    [InlineData(1025, 4, false)]
    [InlineData(1024, 1025, false)]
    public void The_filter_is_vLLMs_is_valid_sequence(int prompt, int output, bool valid) =>
        Assert.Equal(valid, ShareGptDataset.IsValidSequence(prompt, output, skipMinOutputLenCheck: false));

    [Fact]
    public async Task File_order_keeps_the_valid_conversations_with_their_lengths()
    {
        var samples = await Sample(10, disableShuffle: true, noOversample: true);

        Assert.Equal(["f1", "f3", "f8"], samples.Select(Name));
        Assert.Equal([4, 1024, 6], samples.Select(s => s.PromptTokens));
        Assert.Equal([4, 1024, 7], samples.Select(s => s.OutputTokens));
    }

    [Fact]
    public async Task The_seeded_shuffle_is_pythons_and_sampling_stops_at_num_prompts()
    {
        // The seven two-turn entries [f1 f2 f3 f4 f5 f6 f8] shuffled by random.seed(0) as CPython's
        // random.shuffle(list(range(7))) gives [4, 2, 1, 0, 5, 3, 6]: f5 f3 f2 f1 f6 f4 f8.
        Assert.Equal(["f3", "f1", "f8"], (await Sample(3)).Select(Name));
        Assert.Equal(["f3", "f1"], (await Sample(2)).Select(Name));
    }

    [Fact]
    public async Task An_output_length_replaces_the_answers_and_lifts_the_minimum_output_check()
    {
        var samples = await Sample(10, outputLen: 10, disableShuffle: true, noOversample: true);

        Assert.Equal(["f1", "f3", "f5", "f6", "f8"], samples.Select(Name));
        Assert.All(samples, s => Assert.Equal(10, s.OutputTokens));
    }

    [Fact]
    public async Task Too_few_valid_conversations_are_oversampled_as_vLLM_does()
    {
        // Valid after the shuffle: f3 f1 f8; then random.seed(0) and random.choice over them twice: indices 1, 1.
        var samples = await Sample(5);

        Assert.Equal(["f3", "f1", "f8", "f1", "f1"], samples.Select(Name));
        Assert.Equal([0, 1, 2, 3, 4], samples.Select(s => s.Index));
        Assert.Equal(1024 + 4 + 6 + 4 + 4, samples.Sum(s => s.PromptTokens));
        Assert.Equal(1024 + 4 + 7 + 4 + 4, samples.Sum(s => s.OutputTokens));
        Assert.Equal(3, (await Sample(5, noOversample: true)).Count);
    }

    [Fact]
    public async Task A_file_with_nothing_valid_says_why()
    {
        var path = _files.Write("short.json", """[{"conversations": [{"value": "a"}, {"value": "b"}]}, {"conversations": []}]""");

        var e = await Assert.ThrowsAsync<DatasetFileException>(() =>
            ShareGptDataset.SampleAsync(path, new WordTokenizer(), 5, null, 0, false, false, 2, TestContext.Current.CancellationToken));

        Assert.StartsWith($"{path}: no valid conversation: 1 entries have fewer than two turns and 1 fail vLLM's length filter", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"conversations\": []}", 1, 1, "expected a JSON array")]
    [InlineData("[\n  {\"conversations\": [{\"value\": \"a\"}, {\"value\": \"b\"}]},\n  {\"conversations\": [{\"value\": \"a\"}, {\"value\": \"b\"}]\n]", 4, 1, "not valid JSON")]
    [InlineData("[\n  {\"conversations\": [{\"value\": \"a\"}, {\"value\": \"b\"}]},\n  \"just text\"\n]", 3, 3, "entry 2 is not an object")]
    [InlineData("[\n\n    {\"conversations\": [{\"value\": \"a\"}, {\"value\": 7}]}]", 3, 5, "entry 1: conversations[1] needs a string \"value\"")]
    public void Malformed_files_are_reported_at_their_line_and_column(string text, int line, int column, string problem)
    {
        var path = _files.Write("bad.json", text);

        var e = Assert.Throws<DatasetFileException>(() => ShareGptDataset.Read(path, out _));

        Assert.Equal((line, column), (e.Line, e.Column));
        Assert.StartsWith($"{path}:{line}:{column}: {problem}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var path = Path.Combine(_files.Folder, "nowhere.json");

        var e = Assert.Throws<DatasetFileException>(() => ShareGptDataset.Read(path, out _));

        Assert.Equal($"{path}: no such file.", e.Message);
    }
}
