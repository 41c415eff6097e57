using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using GpuBench.Core.Contracts;
using GpuBench.Core.Tracing;

namespace GpuBench.Controller.Campaigns;

/// <summary>An agent API call the agent answered with an error status; <see cref="Detail"/> is its problem text.</summary>
public sealed class AgentApiException(HttpStatusCode status, string detail)
    : Exception($"The agent answered {(int)status} {status}: {detail}")
{
    public HttpStatusCode Status { get; } = status;

    public string Detail { get; } = detail;
}

/// <summary>
/// The controller's typed client for one agent's API (src/Agent/Api), with the campaign's bearer token.
/// Calls go through <paramref name="api"/> (bounded by its timeout); the NDJSON progress feed of a run that may last
/// an hour goes through <paramref name="streaming"/>, which has no timeout and no resilience handler.
/// </summary>
public sealed class AgentClient(HttpClient api, HttpClient streaming, Uri baseUrl, string token) : IDisposable
{
    public Uri BaseUrl { get; } = baseUrl;

    public async Task<SystemInfoReport> GetSystemInfoAsync(CancellationToken cancellationToken) =>
        await ReadAsync<SystemInfoReport>(await SendAsync(HttpMethod.Get, "host/system-info", null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    public async Task<DeploymentStatus> DeployAsync(DeploymentRequest request, CancellationToken cancellationToken) =>
        await ReadAsync<DeploymentStatus>(await SendAsync(HttpMethod.Post, "deployments", request, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>The deployment's status; a poll (every half second while it starts), so it is sent untraced.</summary>
    public async Task<DeploymentStatus> GetDeploymentAsync(string id, CancellationToken cancellationToken) =>
        await ReadAsync<DeploymentStatus>(await PollAsync($"deployments/{Uri.EscapeDataString(id)}", cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>The last <paramref name="lines"/> lines of one replica's engine log, or of the gateway's when <paramref name="replica"/> is null.</summary>
    public async Task<string> GetLogAsync(string deploymentId, int? replica, int lines, CancellationToken cancellationToken)
    {
        var query = replica is { } index ? $"replica={index}&lines={lines}" : $"lines={lines}";
        using var response = await SendAsync(HttpMethod.Get, $"deployments/{Uri.EscapeDataString(deploymentId)}/logs?{query}", null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tears a deployment down; false when the agent does not know it (already gone).</summary>
    public async Task<bool> DeleteDeploymentAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"deployments/{Uri.EscapeDataString(id)}", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Renews this controller's lease on the agent's runs and deployments: an agent that hears nothing for its lease
    /// (10 minutes unless set) tears them down. Every call renews it; a run's long progress feed does not, so the
    /// campaign renews it explicitly meanwhile.
    /// </summary>
    public async Task RenewLeaseAsync(CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Put, "lease", null);
        request.Headers.MarkUntraced();
        using var response = await api.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Ships a dataset file to the box unless it holds that content already (HEAD /datasets/{sha256}); true when it
    /// had to be sent. The agent checks the content against the hash before keeping it.
    /// </summary>
    public async Task<bool> EnsureDatasetAsync(string path, string sha256, CancellationToken cancellationToken)
    {
        using (var head = await SendAsync(HttpMethod.Head, $"datasets/{sha256}", null, cancellationToken).ConfigureAwait(false))
        {
            if (head.IsSuccessStatusCode)
            {
                return false;
            }

            if (head.StatusCode != HttpStatusCode.NotFound)
            {
                await EnsureSuccessAsync(head, cancellationToken).ConfigureAwait(false);
            }
        }

        var file = File.OpenRead(path);
        await using (file.ConfigureAwait(false))
        {
            using var request = Request(HttpMethod.Put, $"datasets/{sha256}", null);
            request.Content = new StreamContent(file);
            using var response = await api.SendAsync(request, cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Starts a run and returns its id.</summary>
    public async Task<string> StartRunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, "runs", request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ContractJson.Options, cancellationToken).ConfigureAwait(false);
        return body.GetProperty("runId").GetString() ?? throw new AgentApiException(response.StatusCode, "no runId in the answer");
    }

    /// <summary>The run's result once it has ended; null while it is still running. A poll, sent untraced.</summary>
    public async Task<RunResult?> GetRunResultAsync(string runId, CancellationToken cancellationToken)
    {
        using var response = await PollAsync($"runs/{Uri.EscapeDataString(runId)}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            return null;
        }

        return await ReadAsync<RunResult>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The run's progress lines as the agent sends them; ends when the run ends (or at once when it already has).
    /// A dropped connection surfaces as an exception: the caller falls back on <see cref="GetRunResultAsync"/>.
    /// </summary>
    public async IAsyncEnumerable<RunProgress> FollowProgressAsync(string runId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, $"runs/{Uri.EscapeDataString(runId)}/progress", null);
        using var response = await streaming.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Gone or HttpStatusCode.NotFound)
        {
            yield break;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream);
        while (await ReadLineWithinAsync(reader, runId, cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length > 0 && JsonSerializer.Deserialize<RunProgress>(line, ContractJson.Options) is { } progress)
            {
                yield return progress;
            }
        }
    }

    /// <summary>
    /// How long the progress feed may stay silent before the link counts as broken. The agent sends an empty line
    /// every 15 s of a quiet run, so only a dead connection (a half-open socket, a hung agent) stays silent this long.
    /// </summary>
    public TimeSpan ProgressIdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    private async Task<string?> ReadLineWithinAsync(StreamReader reader, string runId, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(ProgressIdleTimeout);
        try
        {
            return await reader.ReadLineAsync(idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"The progress feed of run {runId} at {BaseUrl} sent nothing for {ProgressIdleTimeout.TotalSeconds:0} s.");
        }
    }

    /// <summary>Copies the run's requests.jsonl into <paramref name="destination"/>; false when the agent has none.</summary>
    public async Task<bool> CopyRequestsAsync(string runId, Stream destination, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, $"runs/{Uri.EscapeDataString(runId)}/requests", null);
        using var response = await streaming.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        await response.Content.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Tells the agent the result is safe here, so it may delete its copy.</summary>
    public async Task AcknowledgeAsync(string runId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"runs/{Uri.EscapeDataString(runId)}", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        api.Dispose();
        streaming.Dispose();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = Request(method, path, body);
        return await api.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A status GET repeated until something changes: kept out of the trace view, where it would bury the benchmark's requests.</summary>
    private async Task<HttpResponseMessage> PollAsync(string path, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, path, null);
        request.Headers.MarkUntraced();
        return await api.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private HttpRequestMessage Request(HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, new Uri(BaseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: ContractJson.Options);
        }

        return request;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            return await response.Content.ReadFromJsonAsync<T>(ContractJson.Options, cancellationToken).ConfigureAwait(false)
                ?? throw new AgentApiException(response.StatusCode, $"an empty {typeof(T).Name}");
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var detail = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (detail.StartsWith('{'))
        {
            try
            {
                using var problem = JsonDocument.Parse(detail);
                var title = problem.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
                var text = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
                detail = string.Join(" ", new[] { title, text }.Where(s => !string.IsNullOrEmpty(s)));
            }
            catch (JsonException)
            {
                // Not a problem document: the raw body says it best.
            }
        }

        throw new AgentApiException(response.StatusCode, detail.Length == 0 ? response.ReasonPhrase ?? "" : detail);
    }
}
