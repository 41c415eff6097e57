using GpuBench.Provisioning.Files;

namespace GpuBench.Provisioning.Tests.Files;

public sealed class FilePatternsTests
{
    private static readonly FilePatterns Defaults = new(FilePatterns.EngineDefaults);

    [Theory]
    [InlineData("model-00001-of-00004.safetensors")]
    [InlineData("model.safetensors.index.json")]
    [InlineData("config.json")]
    [InlineData("generation_config.json")]
    [InlineData("tokenizer.json")]
    [InlineData("tokenizer.model")]
    [InlineData("qwen.tiktoken")]
    [InlineData("merges.txt")]
    [InlineData("vocab.txt")]
    [InlineData("chat_template.jinja")]
    [InlineData("modeling_deepseek.py")]
    [InlineData("subfolder/config.json")]
    public void Engine_defaults_select_what_vllm_reads(string path) => Assert.True(Defaults.Matches(path));

    [Theory]
    [InlineData("pytorch_model.bin")]
    [InlineData("model.gguf")]
    [InlineData("README.md")]
    [InlineData(".gitattributes")]
    [InlineData("original/consolidated.00.pth")]
    [InlineData("onnx/model.onnx")]
    public void Engine_defaults_skip_other_formats_and_docs(string path) => Assert.False(Defaults.Matches(path));

    [Theory]
    [InlineData("*.json", "a/b/c.json", true)]
    [InlineData("original/", "original/params.json", true)]
    [InlineData("original/", "originals.json", false)]
    [InlineData("model-0000?-of-00002.safetensors", "model-00001-of-00002.safetensors", true)]
    [InlineData("model-0000[12]-*", "model-00003-of-00003.safetensors", false)]
    [InlineData("model-0000[!3]-*", "model-00001-of-00003.safetensors", true)]
    [InlineData("*.JSON", "config.json", false)]
    [InlineData("config.json", "xconfig.json", false)]
    public void Patterns_match_like_fnmatch(string pattern, string path, bool matches) =>
        Assert.Equal(matches, new FilePatterns([pattern]).Matches(path));

    [Fact]
    public void Empty_pattern_list_is_refused() => Assert.Throws<ArgumentException>(() => new FilePatterns([]));
}
