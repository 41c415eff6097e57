using GpuBench.Provisioning.Hub;

namespace GpuBench.Provisioning.Tests.Hub;

public sealed class HubEndpointTests
{
    [Theory]
    [InlineData(null, "https://huggingface.co")]
    [InlineData("", "https://huggingface.co")]
    [InlineData("https://hf-mirror.example.com/", "https://hf-mirror.example.com")]
    [InlineData("http://127.0.0.1:8080//", "http://127.0.0.1:8080")]
    [InlineData("https://proxy.example.com/hf/", "https://proxy.example.com/hf")]
    public void Endpoint_is_read_like_huggingface_hub_reads_HF_ENDPOINT(string? value, string expected) =>
        Assert.Equal(expected, HubEndpoint.Parse(value).ToString());

    [Fact]
    public void Endpoint_that_is_not_http_names_the_variable() =>
        Assert.Contains("HF_ENDPOINT", Assert.Throws<ArgumentException>(() => HubEndpoint.Parse("ftp://x")).Message, StringComparison.Ordinal);

    [Fact]
    public void Urls_follow_the_hub_api_with_escaped_revision_and_path()
    {
        var endpoint = HubEndpoint.Parse("https://proxy.example.com/hf");

        Assert.Equal("https://proxy.example.com/hf/api/models/org/name/revision/refs%2Fpr%2F1",
            endpoint.RevisionUri("org/name", "refs/pr/1").AbsoluteUri);
        Assert.Equal("https://proxy.example.com/hf/api/models/org/name/tree/abc?recursive=true",
            endpoint.TreeUri("org/name", "abc").AbsoluteUri);
        Assert.Equal("https://proxy.example.com/hf/org/name/resolve/abc/sub%20dir/a%2Bb.json",
            endpoint.ResolveUri("org/name", "abc", "sub dir/a+b.json").AbsoluteUri);
    }

    [Theory]
    [InlineData("https://huggingface.co/api/models/x", true)]
    [InlineData("https://HUGGINGFACE.CO:443/x", true)]
    [InlineData("https://cdn-lfs.hf.co/x", false)]
    [InlineData("http://huggingface.co/x", false)]
    [InlineData("https://huggingface.co:8443/x", false)]
    [InlineData("https://huggingface.co.evil.example/x", false)]
    public void Only_the_endpoints_own_origin_counts_as_the_endpoint(string uri, bool same) =>
        Assert.Equal(same, HubEndpoint.Parse(null).IsSameOrigin(new Uri(uri)));

    [Fact]
    public void Token_never_shows_in_text() =>
        Assert.DoesNotContain("hf_abc", $"{new HubToken("hf_abc")}", StringComparison.Ordinal);
}
