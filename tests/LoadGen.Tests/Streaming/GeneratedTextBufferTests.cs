using System.Text;
using GpuBench.LoadGen.Streaming;

namespace GpuBench.LoadGen.Tests.Streaming;

public class GeneratedTextBufferTests
{
    /// <summary>Parses each payload in turn into one buffer, as one request's events, and returns the text.</summary>
    private static string TextOf(params byte[][] payloads)
    {
        using var text = new GeneratedTextBuffer(4);  // tiny, so the buffer grows while appending
        foreach (var payload in payloads)
        {
            SseEvent.Parse(payload, text);
        }

        return text.ToString();
    }

    private static string TextOf(params string[] payloads) => TextOf([.. payloads.Select(Encoding.UTF8.GetBytes)]);

    [Fact]
    public void Chat_text_is_the_first_choices_delta_content_and_nothing_else()
    {
        var text = TextOf(
            """{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}""",
            """{"choices":[{"index":0,"delta":{"reasoning_content":"thinking","content":"Hello"},"logprobs":{"content":[{"token":"x"}]}},{"index":1,"delta":{"content":"other choice"}}]}""",
            """{"choices":[{"index":0,"delta":{"content":null,"tool_calls":[{"function":{"arguments":"{}"}}]}}]}""",
            """{"choices":[{"index":0,"delta":{"content":", world"},"finish_reason":"length"}],"usage":{"completion_tokens":3}}""",
            """{"choices":[],"usage":{"prompt_tokens":4,"completion_tokens":3}}""");

        Assert.Equal("Hello, world", text);
    }

    [Fact]
    public void Completions_text_is_the_first_choices_text()
    {
        var text = TextOf(
            """{"choices":[{"index":0,"text":"one","logprobs":null}]}""",
            """{"choices":[{"index":0,"text":null}]}""",
            """{"choices":[{"index":0,"text":" two"},{"index":1,"text":" three"}]}""");

        Assert.Equal("one two", text);
    }

    [Fact]
    public void Json_escapes_are_unescaped()
    {
        var text = TextOf("""{"choices":[{"text":"a\nb\t\"q\" \\ \/ \r\b\f caf\u00e9 \u65e5 \ud83d\ude00 \u0041"}]}""");

        Assert.Equal("a\nb\t\"q\" \\ / \r\b\f café 日 😀 A", text);
    }

    [Fact]
    public void A_surrogate_pair_split_over_two_events_is_joined()
    {
        Assert.Equal("x😀y", TextOf("""{"choices":[{"text":"x\ud83d"}]}""", """{"choices":[{"text":"\ude00y"}]}"""));
    }

    [Fact]
    public void An_unpaired_surrogate_becomes_the_replacement_character()
    {
        Assert.Equal("a\uFFFDb\uFFFD", TextOf("""{"choices":[{"text":"a\ud83db"}]}""", """{"choices":[{"text":"\ude00"}]}"""));
        Assert.Equal("z\uFFFD", TextOf("""{"choices":[{"text":"z\ud83d"}]}"""));  // still waiting for its pair at the end
    }

    [Fact]
    public void The_bytes_of_one_character_split_over_two_events_make_one_character()
    {
        var euro = "€"u8.ToArray();  // E2 82 AC
        byte[] first = [.. "{\"choices\":[{\"text\":\"1"u8, euro[0], euro[1], .. "\"}]}"u8];
        byte[] second = [.. "{\"choices\":[{\"text\":\""u8, euro[2], .. "2\"}]}"u8];

        Assert.Equal("1€2", TextOf(first, second));
    }

    [Fact]
    public void Without_a_buffer_the_choices_are_skipped_and_the_event_reads_the_same()
    {
        var payload = Encoding.UTF8.GetBytes("""{"choices":[{"delta":{"content":"hi"}},{"delta":{}}],"usage":{"prompt_tokens":2,"completion_tokens":1}}""");
        using var text = new GeneratedTextBuffer(16);

        Assert.Equal(SseEvent.Parse(payload), SseEvent.Parse(payload, text));
        Assert.Equal("hi", text.ToString());
    }
}
