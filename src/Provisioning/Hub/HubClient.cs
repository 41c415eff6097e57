using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GpuBench.Provisioning.Hub;

/// <summary>
/// The few Hub endpoints provisioning needs: the revision (its commit), the recursive tree (paths, sizes, git and
/// LFS ids) and resolve (the bytes). Redirects are followed here rather than by the handler so that the token
/// goes only to the endpoint's own origin, never to a CDN a download is redirected to.
/// </summary>
internal sealed partial class HubClient(HttpClient http, HubEndpoint endpoint, HubToken? token, string repositoryId, string revision, ProvisioningOptions options)
{
    private const int MaxRedirects = 10;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly ProductInfoHeaderValue UserAgent = new("GpuBench-Provisioning", typeof(HubClient).Assembly.GetName().Version?.ToString(3));

    public static bool IsCommitHash(string revision) => Sha1().IsMatch(revision);

    /// <summary>The commit hash the revision points at now.</summary>
    public async Task<string> ResolveCommitAsync(CancellationToken cancellationToken)
    {
        var info = await GetJsonAsync<RevisionInfo>(endpoint.RevisionUri(repositoryId, revision), cancellationToken).ConfigureAwait(false);
        if (info.Value?.Sha is not { } sha || !Sha1().IsMatch(sha))
        {
            throw new ProvisioningException(ProvisioningFailureKind.NetworkFailure, $"{endpoint} answered no commit hash for model {repositoryId} at '{revision}'.");
        }

        return sha;
    }

    /// <summary>Every file of the repository at a commit, following the tree API's Link pagination.</summary>
    public async Task<IReadOnlyList<HubFile>> ListFilesAsync(string commit, CancellationToken cancellationToken)
    {
        var files = new List<HubFile>();
        for (Uri? page = endpoint.TreeUri(repositoryId, commit); page is not null;)
        {
            var (entries, next) = await GetJsonAsync<TreeEntry[]>(page, cancellationToken).ConfigureAwait(false);
            foreach (var entry in entries ?? [])
            {
                if (entry.Type == "file")
                {
                    files.Add(ToFile(entry));
                }
            }

            page = next;
        }

        return files;
    }

    /// <summary>
    /// Starts reading a file at <paramref name="offset"/>. Returns 200, 206 or 416 (the range is past the end) for
    /// the caller to judge; any other answer is thrown as a failure.
    /// </summary>
    public async Task<HttpResponseMessage> OpenFileAsync(string commit, string path, long offset, CancellationToken cancellationToken)
    {
        var response = await SendAsync(endpoint.ResolveUri(repositoryId, commit, path), offset, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return response;
        }

        using (response)
        {
            // A CDN's 4xx (an expired signed URL) is cured by asking the endpoint again; the Hub's own is final.
            if (!endpoint.IsSameOrigin(response.RequestMessage!.RequestUri!) && (int)response.StatusCode < 500)
            {
                throw new TransientFailureException(ProvisioningFailureKind.NetworkFailure,
                    $"HTTP {(int)response.StatusCode} from {response.RequestMessage.RequestUri!.Host} for {path}");
            }

            throw HubErrors.FromResponse(response, endpoint, repositoryId, revision, token is not null);
        }
    }

    private async Task<(T? Value, Uri? Next)> GetJsonAsync<T>(Uri uri, CancellationToken cancellationToken)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(options.StallTimeout);
        using var response = await SendAsync(uri, 0, stall.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw HubErrors.FromResponse(response, endpoint, repositoryId, revision, token is not null);
        }

        try
        {
            var value = await response.Content.ReadFromJsonAsync<T>(Json, stall.Token).ConfigureAwait(false);
            return (value, NextPage(response, uri));
        }
        catch (JsonException)
        {
            // A proxy's login page or a mirror that is not a Hub: retrying would get the same page.
            throw new ProvisioningException(ProvisioningFailureKind.NetworkFailure,
                $"{uri.GetLeftPart(UriPartial.Path)} answered {response.Content.Headers.ContentType?.MediaType ?? "something"} that is not the Hub's JSON; " +
                $"check {HubEndpoint.EnvironmentVariable} ({endpoint}).");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Uri uri, long offset, CancellationToken cancellationToken)
    {
        for (var redirects = 0; ; redirects++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.UserAgent.Add(UserAgent);
            if (token is not null && endpoint.IsSameOrigin(uri))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
            }

            if (offset > 0)
            {
                request.Headers.Range = new RangeHeaderValue(offset, null);
            }

            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!IsRedirect(response.StatusCode))
            {
                return response;
            }

            var location = response.Headers.Location;
            response.Dispose();
            if (location is null || redirects == MaxRedirects)
            {
                throw new ProvisioningException(ProvisioningFailureKind.NetworkFailure,
                    $"{uri.Host} redirected {(location is null ? "without a Location" : $"more than {MaxRedirects} times")} for model {repositoryId}.");
            }

            uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static Uri? NextPage(HttpResponseMessage response, Uri current)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }

        foreach (Match match in NextLink().Matches(string.Join(',', links)))
        {
            return new Uri(current, match.Groups[1].Value);
        }

        return null;
    }

    private HubFile ToFile(TreeEntry entry)
    {
        // Paths and ids become file names in the cache: a listing that could escape it is refused.
        if (entry.Path is null || entry.Oid is null)
        {
            throw new ProvisioningException(ProvisioningFailureKind.NetworkFailure,
                $"{endpoint} listed a file without a path or id for model {repositoryId}.");
        }

        var segments = entry.Path.Split('/');
        var safePath = entry.Path.Length > 0 && !Path.IsPathRooted(entry.Path) && !entry.Path.Contains('\\', StringComparison.Ordinal)
            && segments.All(s => s.Length > 0 && s != "." && s != "..");
        var sha256 = entry.Lfs?.Oid;
        if (!safePath || !Sha1().IsMatch(entry.Oid) || (sha256 is not null && !Sha256().IsMatch(sha256)) || entry.Size < 0)
        {
            throw new ProvisioningException(ProvisioningFailureKind.NetworkFailure,
                $"{endpoint} listed an unusable file entry for model {repositoryId}: '{entry.Path}'.");
        }

        return new HubFile(entry.Path, entry.Lfs?.Size ?? entry.Size, entry.Oid, sha256);
    }

    /// <summary>A commit hash or git blob id: 40 lowercase hex digits.</summary>
    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex Sha1();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256();

    [GeneratedRegex("<([^>]+)>\\s*;\\s*rel=\"?next\"?")]
    private static partial Regex NextLink();

    private sealed record RevisionInfo(string? Sha);

    private sealed record TreeEntry(string? Type, string? Path, long Size, string? Oid, LfsInfo? Lfs);

    private sealed record LfsInfo(string? Oid, long Size);
}
