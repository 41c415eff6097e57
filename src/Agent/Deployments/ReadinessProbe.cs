using System.Text.Json;

namespace GpuBench.Agent.Deployments;

/// <summary>
/// Whether an engine serves: /health answers 200 and /v1/models lists the model (the article's compose
/// healthcheck, as one call each). Any transport error means "not yet".
/// </summary>
public sealed class ReadinessProbe(IHttpClientFactory httpClients)
{
    public const string HttpClientName = "readiness";

    public async Task<bool> IsReadyAsync(string baseUrl, string model, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(HttpClientName);
        var root = new Uri(baseUrl);
        try
        {
            using var health = await client.GetAsync(new Uri(root, "/health"), cancellationToken);
            if (!health.IsSuccessStatusCode)
            {
                return false;
            }

            var models = await client.GetFromJsonAsync<JsonElement>(new Uri(root, "/v1/models"), cancellationToken);
            return models.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
                && data.EnumerateArray().Any(m => m.TryGetProperty("id", out var id) && id.GetString() == model);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The engine's version from GET /version (vLLM answers {"version": "0.11.0"}); null when it does not say.</summary>
    public async Task<string?> GetVersionAsync(string baseUrl, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await httpClients.CreateClient(HttpClientName)
                .GetFromJsonAsync<JsonElement>(new Uri(new Uri(baseUrl), "/version"), cancellationToken);
            return answer.TryGetProperty("version", out var version) ? version.GetString() : null;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
