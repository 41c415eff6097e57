namespace GpuBench.Core.Config;

/// <summary>
/// A workload's load points (<c>workloads[].sweep</c>): either a grid (<c>sweep: { max_concurrency: [1, 8, 32] }</c>
/// or <c>request_rate: [...]</c>), every point run on one deployment, or a search
/// (<c>sweep: { search: max_concurrency, min: 1, max: 1024 }</c>) for the highest load meeting the workload's SLO in at
/// most <see cref="MaxSearchPoints"/> points.
/// </summary>
public sealed record SweepSpec
{
    /// <summary>The most points a search runs.</summary>
    public const int MaxSearchPoints = 8;

    public required LoadKind Kind { get; init; }

    /// <summary>The grid's loads in config.yml's order; empty for a search.</summary>
    public IReadOnlyList<double> Grid { get; init; } = [];

    /// <summary>True for a search between <see cref="Min"/> and <see cref="Max"/>.</summary>
    public bool Search { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }
}
