using System.Net.Http.Headers;
using System.Text.Json;
using GpuBench.Core.Tracing;

namespace GpuBench.LoadGen.Running;

/// <summary>Finds the served model's name from <c>GET /v1/models</c>, as vLLM's client does when --model is left out.</summary>
public static class ModelDiscovery
{
    public static async Task<string> FirstModelAsync(HttpClient http, Uri baseUrl, string? apiKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, "v1/models"));
        request.Headers.MarkUntraced();
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"GET {request.RequestUri} answered HTTP {(int)response.StatusCode}; pass --model to name the served model.");
        }

        using var json = await JsonDocument.ParseAsync(
            await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (json.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
            && data.GetArrayLength() > 0 && data[0].TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 } name)
        {
            return name;
        }

        throw new InvalidOperationException($"GET {request.RequestUri} listed no model; pass --model to name the served model.");
    }
}
