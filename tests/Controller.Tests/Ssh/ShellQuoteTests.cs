using GpuBench.Controller.Ssh;

namespace GpuBench.Controller.Tests.Ssh;

public sealed class ShellQuoteTests
{
    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("", "''")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$(whoami) `id` \"dq\" ; & | > *", "'$(whoami) `id` \"dq\" ; & | > *'")]
    public void Every_argument_is_single_quoted_with_embedded_quotes_escaped(string argument, string quoted) =>
        Assert.Equal(quoted, ShellQuote.Quote(argument));

    [Fact]
    public void Argv_joins_into_one_word_per_argument() =>
        Assert.Equal("'printf' '%s\\n' 'a b' ''\\'''", ShellQuote.Join(["printf", "%s\\n", "a b", "'"]));

    [Fact]
    public void Nul_cannot_be_passed_and_says_so() =>
        Assert.Throws<ArgumentException>(() => ShellQuote.Quote("a\0b"));

    [Theory]
    [InlineData("OTEL_ENDPOINT", "http://127.0.0.1:4317", "OTEL_ENDPOINT='http://127.0.0.1:4317'")]
    [InlineData("_X1", "a'b", "_X1='a'\\''b'")]
    public void Assignment_quotes_the_value(string name, string value, string expected) =>
        Assert.Equal(expected, ShellQuote.Assignment(name, value));

    [Theory]
    [InlineData("1ABC")]
    [InlineData("A-B")]
    [InlineData("A=B")]
    [InlineData("$(id)")]
    [InlineData("")]
    public void Assignment_refuses_a_name_the_shell_would_not_read_as_one(string name) =>
        Assert.Throws<ArgumentException>(() => ShellQuote.Assignment(name, "v"));
}
