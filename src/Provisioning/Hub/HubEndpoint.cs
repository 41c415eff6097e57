namespace GpuBench.Provisioning.Hub;

/// <summary>
/// The Hub's base address and the URLs built on it. Read from HF_ENDPOINT the way huggingface_hub reads it
/// (trailing slashes dropped, empty means the default), so a mirror configured for vLLM serves GpuBench too.
/// </summary>
public sealed class HubEndpoint
{
    public const string DefaultAddress = "https://huggingface.co";

    public const string EnvironmentVariable = "HF_ENDPOINT";

    private readonly string _base;

    private HubEndpoint(Uri address)
    {
        Address = address;
        _base = address.AbsoluteUri.TrimEnd('/');
    }

    public Uri Address { get; }

    public static HubEndpoint FromEnvironment() => Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));

    public static HubEndpoint Parse(string? value)
    {
        var text = value?.Trim().TrimEnd('/');
        if (string.IsNullOrEmpty(text))
        {
            text = DefaultAddress;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException(
                $"{EnvironmentVariable}='{value}' is not an http(s) address; set it to the Hub or mirror's base URL, e.g. {DefaultAddress}.",
                nameof(value));
        }

        return new HubEndpoint(uri);
    }

    /// <summary>
    /// True when <paramref name="uri"/> has this endpoint's scheme, host and port: only such requests carry the
    /// token, so a redirect to a CDN or any other host never sees it.
    /// </summary>
    public bool IsSameOrigin(Uri uri) =>
        Uri.Compare(uri, Address, UriComponents.SchemeAndServer, UriFormat.SafeUnescaped, StringComparison.OrdinalIgnoreCase) == 0;

    public Uri RevisionUri(string repositoryId, string revision) =>
        new($"{_base}/api/models/{repositoryId}/revision/{Uri.EscapeDataString(revision)}");

    public Uri TreeUri(string repositoryId, string commit) =>
        new($"{_base}/api/models/{repositoryId}/tree/{Uri.EscapeDataString(commit)}?recursive=true");

    public Uri ResolveUri(string repositoryId, string commit, string path) =>
        new($"{_base}/{repositoryId}/resolve/{Uri.EscapeDataString(commit)}/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}");

    /// <summary>The repository's web page, where a gated model's licence is accepted.</summary>
    public Uri RepositoryPage(string repositoryId) => new($"{_base}/{repositoryId}");

    public override string ToString() => _base;
}
