using GpuBench.Core.Metrics;

namespace GpuBench.Core.Results;

/// <summary>What one run folder holds, as <see cref="RunFolder.ReadAsync"/> found it; every part but the folder optional.</summary>
public sealed record StoredRun
{
    public required string Folder { get; init; }

    /// <summary>The file that marked the folder as a run: result.json, or benchmark.txt.</summary>
    public required string Marker { get; init; }

    /// <summary>What ran; null in folders written without one (benchmark.txt alone, a result.json without "run").</summary>
    public RunRecord? Record { get; init; }

    /// <summary>The figures, from result.json or benchmark.txt.</summary>
    public required ServingMetrics Metrics { get; init; }

    public string? RequestsPath { get; init; }

    /// <summary>The config.yml slice: what the report plans from for a folder without a <see cref="Record"/>.</summary>
    public string? ConfigSlicePath { get; init; }

    public string? ComposeYaml { get; init; }
    public string? CommandText { get; init; }
    public string? SystemInfoText { get; init; }
}
