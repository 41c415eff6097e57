using GpuBench.LoadGen.Dataset;

namespace GpuBench.LoadGen.Tests.Dataset;

/// <summary>
/// ShareGPT conversations turn by turn, on a file written here and the word tokenizer: a message costs its words plus
/// 4 template tokens, opening the answer 4 more, so every length below is worked out by hand.
/// </summary>
public sealed class ConversationDatasetTests : IDisposable
{
    private readonly DatasetFiles _files = new();

    // c0: two full turns; c1: one message only (not a conversation); c2: one turn and a trailing question with no
    // answer (not sent); c3: one turn.
    private string File() => _files.Write("chat.json", """
        [
          {"id": "c0", "conversations": [{"from": "human", "value": "a b c"}, {"from": "gpt", "value": "d e f g h"},
                                         {"from": "human", "value": "i j"}, {"from": "gpt", "value": "k l m"}]},
          {"id": "c1", "conversations": [{"from": "human", "value": "alone"}]},
          {"id": "c2", "conversations": [{"from": "human", "value": "p q"}, {"from": "gpt", "value": "r"},
                                         {"from": "human", "value": "s t u"}]},
          {"id": "c3", "conversations": [{"from": "human", "value": "v w x y"}, {"from": "gpt", "value": "z z"}]}
        ]
        """);

    private Task<List<SampleRequest>> Sample(int conversations, int? outputLen = null, bool noOversample = false) =>
        ConversationDataset.SampleAsync(File(), new WordTokenizer(), conversations, outputLen, seed: 0, disableShuffle: true, noOversample,
            parallelism: 2, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Each_turn_carries_the_history_before_it_and_asks_for_its_answers_length()
    {
        var samples = await Sample(3);

        // c0 turn 0: (4+3) + 4 = 11 tokens, answer 5; turn 1: (4+3) + (4+5) + (4+2) + 4 = 26, answer 3.
        // c2 turn 0: (4+2) + 4 = 10, answer 1 (its last question has no answer). c3 turn 0: (4+4) + 4 = 12, answer 2.
        Assert.Equal([0, 1, 2, 3], samples.Select(s => s.Index));
        Assert.Equal([0, 0, 1, 2], samples.Select(s => s.Conversation!.Value));
        Assert.Equal([0, 1, 0, 0], samples.Select(s => s.Turn!.Value));
        Assert.Equal(["a b c", "i j", "p q", "v w x y"], samples.Select(s => s.Prompt));
        Assert.Equal([11, 26, 10, 12], samples.Select(s => s.PromptTokens));
        Assert.Equal([5, 3, 1, 2], samples.Select(s => s.OutputTokens));
    }

    [Fact]
    public async Task An_output_length_replaces_every_answer_and_the_history_counts_the_answers_it_asks_for()
    {
        var samples = await Sample(1, outputLen: 2);

        // Turn 1's history holds the model's 2-token answer, not the file's 5 tokens: 26 − 5 + 2.
        Assert.Equal([11, 23], samples.Select(s => s.PromptTokens));
        Assert.Equal([2, 2], samples.Select(s => s.OutputTokens));
    }

    [Fact]
    public async Task Too_few_conversations_are_oversampled_as_vLLM_does()
    {
        // Three conversations for five: random.seed(0), then random.choice over them twice: indices 1, 1 (c2, c2).
        var samples = await Sample(5);

        Assert.Equal([0, 0, 1, 2, 3, 4], samples.Select(s => s.Conversation!.Value));
        Assert.Equal(["a b c", "i j", "p q", "v w x y", "p q", "p q"], samples.Select(s => s.Prompt));
        Assert.Equal([0, 1, 2, 3, 4, 5], samples.Select(s => s.Index));
        Assert.Equal(4, (await Sample(5, noOversample: true)).Count);
    }

    [Fact]
    public async Task A_file_without_a_conversation_says_so()
    {
        var path = _files.Write("short.json", """[{"conversations": [{"value": "a"}]}, {"conversations": []}]""");

        var e = await Assert.ThrowsAsync<DatasetFileException>(() => ConversationDataset.SampleAsync(
            path, new WordTokenizer(), 2, null, 0, false, false, 2, TestContext.Current.CancellationToken));

        Assert.Equal($"{path}: no conversation to replay: 2 entries have fewer than two turns (a user message and its answer).", e.Message);
    }

    public void Dispose() => _files.Dispose();
}
