using System.Text.Json.Serialization;

namespace GpuBench.LoadGen.Dataset;

/// <summary>One message of a chat request: <c>user</c> or <c>assistant</c>, and its text.</summary>
public sealed record ChatMessage(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content")] string Content)
{
    public const string User = "user";
    public const string Assistant = "assistant";
}
