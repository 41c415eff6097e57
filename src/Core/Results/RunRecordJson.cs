using System.Text.Json;
using System.Text.Json.Nodes;
using GpuBench.Core.Contracts;

namespace GpuBench.Core.Results;

/// <summary>
/// The JSON form of a <see cref="RunRecord"/> on disk, for the campaign that writes it and the report that reads it:
/// snake_case names (model_id, gpu_ids, …), enums as their names, indented. In result.json the record sits under
/// <see cref="Property"/> beside vLLM's --save-result fields; failure.json is the record alone.
/// </summary>
public static class RunRecordJson
{
    /// <summary>result.json's member that holds the record.</summary>
    public const string Property = "run";

    public static JsonSerializerOptions Options { get; } = new(ContractJson.Options)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>failure.json: the record alone.</summary>
    /// <remarks>Through a JsonNode, as <see cref="SerializeResult"/> writes it: the direct serializer escapes '+' in offsets (\u002B), and files written so far would change.</remarks>
    public static string Serialize(RunRecord record) => JsonSerializer.SerializeToNode(record, Options)!.ToJsonString(Options);

    /// <summary>result.json: vLLM's fields at the top, as vLLM's own tools read them, and the record under <see cref="Property"/>.</summary>
    public static string SerializeResult(JsonElement benchmark, RunRecord record)
    {
        var result = JsonNode.Parse(benchmark.GetRawText())?.AsObject()
            ?? throw new ArgumentException("The benchmark result is not a JSON object.", nameof(benchmark));
        result[Property] = JsonSerializer.SerializeToNode(record, Options);
        return result.ToJsonString(Options);
    }

    /// <summary>
    /// The record under <see cref="Property"/> of a result.json, null when it has none. A record that lacks what
    /// every record carries is a <see cref="JsonException"/> naming the missing field.
    /// </summary>
    public static RunRecord? ReadFromResult(JsonElement result) =>
        result.ValueKind == JsonValueKind.Object && result.TryGetProperty(Property, out var record) && record.ValueKind != JsonValueKind.Null
            ? record.Deserialize<RunRecord>(Options)
            : null;
}
