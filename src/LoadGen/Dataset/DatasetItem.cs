using System.Text.Json;

namespace GpuBench.LoadGen.Dataset;

/// <summary>One JSON value of a dataset file (an array element, or a JSONL line) and where it starts.</summary>
public sealed record DatasetItem(JsonElement Value, int Line, int Column)
{
    /// <summary>The string property <paramref name="name"/>, or null when absent or not a string.</summary>
    public string? String(string name) =>
        Value.ValueKind == JsonValueKind.Object && Value.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
