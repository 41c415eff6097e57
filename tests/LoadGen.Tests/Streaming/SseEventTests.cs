using System.Text;
using GpuBench.LoadGen.Streaming;

namespace GpuBench.LoadGen.Tests.Streaming;

public class SseEventTests
{
    private static SseEvent Parse(string payload) => SseEvent.Parse(Encoding.UTF8.GetBytes(payload));

    [Fact]
    public void Chat_role_only_chunk_counts_as_choices_bearing()
    {
        var e = Parse("""{"id":"c","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}""");
        Assert.True(e.HasChoices);
        Assert.Null(e.CompletionTokens);
    }

    [Fact]
    public void Trailing_usage_chunk_has_no_choices_but_carries_the_counts()
    {
        var e = Parse(""" {"id":"c","choices":[],"usage":{"prompt_tokens":1030,"total_tokens":2030,"completion_tokens":1000}}""");
        Assert.False(e.HasChoices);
        Assert.Equal((1030, 1000), (e.PromptTokens, e.CompletionTokens));
    }

    [Fact]
    public void Continuous_usage_stats_give_counts_on_choices_chunks()
    {
        var e = Parse("""{"choices":[{"text":"a b","index":0}],"usage":{"prompt_tokens":3,"completion_tokens":7,"prompt_tokens_details":null}}""");
        Assert.True(e.HasChoices);
        Assert.Equal(7, e.CompletionTokens);
    }

    [Fact]
    public void Null_usage_and_nested_lookalike_names_are_ignored()
    {
        var e = Parse("""{"meta":{"choices":[1],"usage":{"completion_tokens":9}},"choices":null,"usage":null}""");
        Assert.False(e.HasChoices);
        Assert.Null(e.CompletionTokens);
    }

    [Fact]
    public void Done_marker_is_recognised()
    {
        Assert.True(Parse(" [DONE]").IsDone);
    }

    [Fact]
    public void Error_object_in_the_stream_is_flagged()
    {
        Assert.True(Parse("""{"error":{"message":"out of memory","code":500}}""").IsError);
    }

    [Theory]
    [InlineData("""{"choices":[{"delta": """)]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    public void Anything_else_is_a_malformed_stream(string payload)
    {
        Assert.Throws<MalformedStreamException>(() => Parse(payload));
    }
}
