using GpuBench.LoadGen.Dataset;

namespace GpuBench.LoadGen.Tests.Dataset;

public class MooncakeTraceTests : IDisposable
{
    private readonly DatasetFiles _files = new();

    public void Dispose() => _files.Dispose();

    private string Trace(params string[] lines) => _files.Write("trace.jsonl", string.Join('\n', lines) + "\n");

    [Fact]
    public async Task Requests_are_sent_at_their_scaled_offsets_with_their_lengths()
    {
        var path = Trace(
            """{"timestamp": 1000, "input_length": 1100, "output_length": 10, "hash_ids": [1, 2]}""",
            """{"timestamp": 1500, "input_length": 700, "output_length": 20, "hash_ids": [1, 3]}""",
            """{"timestamp": 1500, "input_length": 30, "output_length": 30}""",
            """{"timestamp": 4000, "input_length": 512, "output_length": 40, "hash_ids": [2]}""");

        var samples = await MooncakeTrace.SampleAsync(path, new WordTokenizer(), 10, 0.5, 0, 2, TestContext.Current.CancellationToken);

        Assert.Equal([0, 0.25, 0.25, 1.5], samples.Select(s => s.SendAtS!.Value));
        Assert.Equal([1100, 700, 30, 512], samples.Select(s => s.PromptTokens));
        Assert.Equal([1100, 700, 30, 512], samples.Select(s => WordTokenizer.Words(s.Prompt)));
        Assert.Equal([10, 20, 30, 40], samples.Select(s => s.OutputTokens));
        static string[] Block(SampleRequest s, int k) => [.. s.Prompt.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(512 * k).Take(512)];
        Assert.Equal(Block(samples[0], 0), Block(samples[1], 0));   // hash id 1 in both
        Assert.Equal(Block(samples[0], 1), Block(samples[3], 0));   // hash id 2, second block of one, first of the other
        Assert.NotEqual(Block(samples[0], 1), Block(samples[1], 1)[..188]);
    }

    [Fact]
    public async Task Num_prompts_replays_the_first_lines()
    {
        var path = Trace("""{"timestamp": 0, "input_length": 5, "output_length": 1}""", """{"timestamp": 10, "input_length": 6, "output_length": 2}""");

        var samples = await MooncakeTrace.SampleAsync(path, new WordTokenizer(), 1, 1, 0, 2, TestContext.Current.CancellationToken);

        Assert.Equal(5, Assert.Single(samples).PromptTokens);
    }

    [Fact]
    public void Timestamps_going_backwards_are_an_error_at_their_place()
    {
        var path = Trace(
            """{"timestamp": 100, "input_length": 5, "output_length": 1}""",
            """{"timestamp": 200, "input_length": 5, "output_length": 1}""",
            """{"input_length": 5, "timestamp": 150, "output_length": 1}""");

        var e = Assert.Throws<DatasetFileException>(() => MooncakeTrace.Read(path));

        Assert.StartsWith($"{path}:3:21: timestamp 150 goes backwards (line 2 has 200)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"timestamp": 0, "output_length": 1}""", 1, "the line has no numeric \"input_length\"")]
    [InlineData("""{"timestamp": 0, "input_length": 5, "output_length": 1, "hash_ids": "x"}""", 57, "\"hash_ids\" must be a list of integers")]
    [InlineData("""{"timestamp": 0, "input_length": 0, "output_length": 1}""", 18, "\"input_length\" must be at least 1")]
    [InlineData("""[1, 2]""", 1, "each line of a trace is an object")]
    public void Bad_lines_are_reported_at_their_line_and_column(string line, int column, string problem)
    {
        var path = Trace("""{"timestamp": 0, "input_length": 5, "output_length": 1}""", line);

        var e = Assert.Throws<DatasetFileException>(() => MooncakeTrace.Read(path));

        Assert.StartsWith($"{path}:2:{column}: {problem}", e.Message, StringComparison.Ordinal);
    }
}
