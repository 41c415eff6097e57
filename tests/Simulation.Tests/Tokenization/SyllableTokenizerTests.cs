using GpuBench.Simulation.Tokenization;

namespace GpuBench.Simulation.Tests.Tokenization;

public class SyllableTokenizerTests
{
    private readonly SyllableTokenizer _tokenizer = new(151936);

    [Theory]
    [InlineData(" ka bedo babaci")]
    [InlineData("Hello, world! ünïcödé 🚀 and  double  spaces ")]
    [InlineData("")]
    public void Text_survives_encode_then_decode(string text)
    {
        Assert.Equal(text, _tokenizer.Decode(_tokenizer.Encode(text)));
    }

    [Fact]
    public void Same_text_gives_same_ids_and_words_are_single_tokens()
    {
        var ids = _tokenizer.Encode(" ka bedo babaci");

        Assert.Equal(3, ids.Count);
        Assert.Equal(ids, _tokenizer.Encode(" ka bedo babaci"));
        Assert.All(ids, id => Assert.True(id >= 256));
    }

    [Fact]
    public void Random_word_ids_survive_decode_then_encode()
    {
        var random = new Random(3);
        var ids = Enumerable.Range(0, 500).Select(_ => random.Next(256, _tokenizer.VocabSize)).ToList();

        Assert.Equal(ids, _tokenizer.Encode(_tokenizer.Decode(ids)));
    }
}
