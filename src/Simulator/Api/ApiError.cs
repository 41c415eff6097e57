using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GpuBench.Simulator.Api;

/// <summary>An error in OpenAI's shape, with the HTTP status vLLM answers it with.</summary>
public sealed class ApiException(int status, string type, string message, string? param = null) : Exception(message)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string? Param { get; } = param;

    public static ApiException BadRequest(string message, string? param = null) => new(400, "BadRequestError", message, param);

    public static ApiException NotFound(string message) => new(404, "NotFoundError", message);

    public Task WriteAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.StatusCode = Status;
        response.ContentType = "application/json";
        return response.WriteAsync(
            JsonSerializer.Serialize(new ErrorBody(new ErrorDetail(Message, Type, Param, Status)), ApiJson.Options),
            cancellationToken);
    }

    private sealed record ErrorBody(ErrorDetail Error);

    private sealed record ErrorDetail(string Message, string Type, string? Param, int Code);
}

internal static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // messages quote names in backticks, as vLLM's do
    };
}
