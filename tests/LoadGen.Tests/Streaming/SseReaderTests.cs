using System.Text;
using GpuBench.LoadGen.Streaming;

namespace GpuBench.LoadGen.Tests.Streaming;

public class SseReaderTests
{
    private static readonly string Stream3 =
        "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}],\"usage\":{\"completion_tokens\":0}}\n\n" +
        ": keep-alive comment\n\n" +
        "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":{\"completion_tokens\":1}}\r\n\r\n" +
        "data: {\"choices\":[{\"delta\":{\"content\":\"b c\"}}],\"usage\":{\"completion_tokens\":3}}\n\n" +
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":3}}\n\n" +
        "data: [DONE]\n\n" +
        "data: {\"choices\":[{\"delta\":{\"content\":\"after done\"}}]}\n\n";

    /// <summary>A stream that hands out at most <paramref name="chunk"/> bytes per read, like a slow socket.</summary>
    private sealed class Trickle(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], cancellationToken);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100_000)]
    public async Task Events_split_across_reads_are_reassembled(int bytesPerRead)
    {
        using var timeline = new ChunkTimeline(4);
        await SseReader.ReadAsync(new Trickle(Encoding.UTF8.GetBytes(Stream3), bytesPerRead), timeline, TestContext.Current.CancellationToken);

        Assert.Equal(3, timeline.Count);                    // role chunk + 2 content chunks; nothing after [DONE]
        Assert.Equal([0, 1, 2], timeline.TokensPerChunk()!);
        Assert.Equal((4, 3), (timeline.PromptTokens, timeline.CompletionTokens));
        Assert.True(timeline.SawDone);
        Assert.Equal(2, timeline.Gaps().Length);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_character_cut_by_a_read_is_kept_whole_in_the_text(int bytesPerRead)
    {
        var text = "data: {\"choices\":[{\"delta\":{\"content\":\"€😀\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"日本\"}}]}\n\n";
        using var timeline = new ChunkTimeline(4, keepText: true);
        await SseReader.ReadAsync(new Trickle(Encoding.UTF8.GetBytes(text), bytesPerRead), timeline, TestContext.Current.CancellationToken);

        Assert.Equal(2, timeline.Count);
        Assert.Equal("€😀日本", timeline.Text());
    }

    [Fact]
    public async Task A_line_longer_than_the_buffer_is_kept_whole()
    {
        var big = new string('x', 100_000);
        var text = $"data: {{\"choices\":[{{\"text\":\"{big}\"}}]}}\n\ndata: {{\"choices\":[{{\"text\":\"y\"}}]}}";  // last line unterminated
        using var timeline = new ChunkTimeline(1);
        await SseReader.ReadAsync(new Trickle(Encoding.UTF8.GetBytes(text), 5000), timeline, TestContext.Current.CancellationToken);

        Assert.Equal(2, timeline.Count);
        Assert.Null(timeline.TokensPerChunk());  // no usage on the chunks: counts unknown
    }

    [Fact]
    public async Task Timeline_grows_past_its_first_size()
    {
        var text = string.Concat(Enumerable.Repeat("data: {\"choices\":[{\"text\":\"t\"}]}\n\n", 1000));
        using var timeline = new ChunkTimeline(16);
        await SseReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), timeline, TestContext.Current.CancellationToken);
        Assert.Equal(1000, timeline.Count);
        Assert.Equal(999, timeline.Gaps().Length);
    }
}
