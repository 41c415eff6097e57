using System.Text.Json;
using GpuBench.Core.Config;

namespace GpuBench.Core.Results;

/// <summary>
/// sweep.json, one per workload folder of a workload with a sweep (&lt;campaign&gt;/&lt;server&gt;/&lt;model&gt;/&lt;workload&gt;/):
/// every point tried, in the order it ran, whether it met the SLO, the highest load that did and why the sweep
/// stopped. The campaign writes it after each point; the report reads it. The points' own figures stay in their
/// folders (&lt;point&gt;/result.json, or &lt;point&gt;/repeat-&lt;k&gt;/result.json).
/// </summary>
public sealed record SweepRecord
{
    /// <summary>The file's name in the workload folder.</summary>
    public const string File = "sweep.json";

    public int FormatVersion { get; init; } = RunFolderFormat.Current;

    public required string Campaign { get; init; }
    public required string Server { get; init; }
    public required string Model { get; init; }
    public required string Workload { get; init; }
    public required string Layout { get; init; }

    public required LoadKind LoadKind { get; init; }

    /// <summary>True for a search, false for a grid.</summary>
    public required bool Search { get; init; }

    /// <summary>The targets the points were judged by; null for a grid without an SLO.</summary>
    public SloSpec? Slo { get; init; }

    public required IReadOnlyList<SweepPointRecord> Points { get; init; }

    /// <summary>The highest load that met the SLO; null when none did or the workload has no SLO.</summary>
    public double? MaxLoad { get; init; }

    /// <summary>Why the sweep stopped (grid complete, bracket narrowed, point limit, a failed deployment, …); null while it runs.</summary>
    public string? StopReason { get; init; }

    /// <summary>The record's JSON, with <see cref="RunRecordJson.Options"/>'s snake_case names.</summary>
    public string Serialize() => JsonSerializer.Serialize(this, RunRecordJson.Options);

    /// <summary>The sweep.json at <paramref name="path"/>; a <see cref="JsonException"/> names what is missing.</summary>
    public static async Task<SweepRecord> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = System.IO.File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<SweepRecord>(stream, RunRecordJson.Options, cancellationToken).ConfigureAwait(false)
            ?? throw new JsonException($"{path}: empty sweep record.");
    }
}

/// <summary>One point a sweep ran, summarised over its repeats.</summary>
public sealed record SweepPointRecord
{
    /// <summary>The point's folder name (<see cref="LoadPoint.Name"/>).</summary>
    public required string Point { get; init; }

    public required double Load { get; init; }

    /// <summary>Why a search chose this point (start from the prediction, bracket up, bisect, …); null for a grid.</summary>
    public string? Why { get; init; }

    /// <summary>The repeats that produced figures.</summary>
    public required int Repeats { get; init; }

    /// <summary>Failed requests over every repeat; a point with any never meets the SLO.</summary>
    public int FailedRequests { get; init; }

    /// <summary>The share of good requests, pooled over the repeats; null without an SLO or figures.</summary>
    public double? Attainment { get; init; }

    /// <summary>Whether the point met the SLO; null without an SLO.</summary>
    public bool? MeetsSlo { get; init; }

    public double? GoodputReqS { get; init; }

    public double? OutputTokS { get; init; }

    /// <summary>Why the point produced no figures (its run's failure); null when it did.</summary>
    public string? Failure { get; init; }
}
