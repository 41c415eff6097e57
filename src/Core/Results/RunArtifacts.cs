using System.Text.Json;
using GpuBench.Core.Contracts;

namespace GpuBench.Core.Results;

/// <summary>Everything collected about one run, ready to be written to its folder.</summary>
public sealed record RunArtifacts
{
    public required RunRecord Record { get; init; }

    /// <summary>The load generator's result in vLLM's field names; null when no load ran.</summary>
    public JsonElement? Benchmark { get; init; }

    public string? BenchmarkText { get; init; }

    /// <summary>requests.jsonl as fetched from the agent (a local temporary file, moved into the folder).</summary>
    public string? RequestsFile { get; init; }

    public string? ComposeYaml { get; init; }
    public string? CommandText { get; init; }
    public SystemInfo? SystemInfo { get; init; }
    public string? EngineLogTail { get; init; }

    /// <summary>config.yml narrowed to this run (<see cref="RunConfigSlice"/>).</summary>
    public required string ConfigSlice { get; init; }
}
