namespace GpuBench.GatewayOverhead.Results;

/// <summary>The median of one figure over the rounds, and its range.</summary>
internal sealed record Spread(double Median, double Min, double Max)
{
    public static Spread Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("a spread needs at least one value", nameof(values));
        }

        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Spread(median, sorted[0], sorted[^1]);
    }
}

/// <summary>What a path adds to the direct path's figures measured in the same round and at the same streams.</summary>
internal sealed record Added(double TtftP50Ms, double TtftP99Ms, double ChunkP50Ms, double ChunkP99Ms, double ChunksPerSecondRatio)
{
    public static Added To(RunResult path, IEnumerable<RunResult> all)
    {
        var direct = all.Single(d => d.Path == "direct" && d.Streams == path.Streams && d.Round == path.Round);
        return new Added(
            path.TtftP50Ms - direct.TtftP50Ms, path.TtftP99Ms - direct.TtftP99Ms,
            path.ChunkP50Ms - direct.ChunkP50Ms, path.ChunkP99Ms - direct.ChunkP99Ms,
            path.ChunksPerSecond / direct.ChunksPerSecond);
    }
}

/// <summary>One proxy at one number of streams over every round: medians and ranges of what it added.</summary>
internal sealed record PathSummary(
    int Streams,
    string Path,
    int Rounds,
    Spread AddedTtftP50Ms,
    Spread AddedTtftP99Ms,
    Spread AddedChunkP50Ms,
    Spread AddedChunkP99Ms,
    Spread ChunksPerSecondRatioToDirect,
    Spread? ProxyCpuCores,
    Spread? CpuMsPerThousandChunks);

/// <summary>
/// A gateway against NGINX round by round: each difference is the gateway's added p99 minus NGINX's in the same
/// round (negative: the gateway added less). Both are against the same direct run, so the difference is also
/// the gateway's p99 minus NGINX's.
/// </summary>
internal sealed record PairedComparison(
    int Streams,
    string Gateway,
    double[] AddedTtftP99DifferencesMs,
    double[] AddedChunkP99DifferencesMs,
    double[] ChunksPerSecondRatios)
{
    public int Rounds => AddedTtftP99DifferencesMs.Length;

    public Spread AddedTtftP99DifferenceMs => Spread.Of(AddedTtftP99DifferencesMs);

    public Spread AddedChunkP99DifferenceMs => Spread.Of(AddedChunkP99DifferencesMs);

    /// <summary>Gateway chunks/s over NGINX's, same round.</summary>
    public Spread ChunksPerSecondRatio => Spread.Of(ChunksPerSecondRatios);

    public int RoundsTtftNoWorse => AddedTtftP99DifferencesMs.Count(d => d <= 0);

    public int RoundsChunkNoWorse => AddedChunkP99DifferencesMs.Count(d => d <= 0);
}

/// <summary>Every round's results of a run, and what they say per number of streams and path.</summary>
internal sealed record RoundSummary(RunResult[] Runs, PathSummary[] Paths, PairedComparison[] Paired)
{
    public static RoundSummary Of(IReadOnlyList<RunResult> runs)
    {
        var proxies = runs
            .Where(r => r.Path != "direct")
            .GroupBy(r => (r.Streams, r.Path))
            .Select(g => (g.Key.Streams, g.Key.Path, Runs: g.OrderBy(r => r.Round).ToArray()))
            .ToArray();
        var paths = proxies.Select(p => Summarise(p.Streams, p.Path, p.Runs, runs)).ToArray();
        var paired =
            from gateway in proxies
            where gateway.Path != "nginx"
            join nginx in proxies.Where(p => p.Path == "nginx") on gateway.Streams equals nginx.Streams
            select Pair(gateway.Streams, gateway.Path, gateway.Runs, nginx.Runs, runs);
        return new RoundSummary([.. runs], paths, [.. paired]);
    }

    private static PathSummary Summarise(int streams, string path, RunResult[] rounds, IReadOnlyList<RunResult> all)
    {
        var added = rounds.Select(r => Added.To(r, all)).ToArray();
        var cpu = rounds.Where(r => r.ProxyCpuCores is not null).ToArray();
        return new PathSummary(streams, path, rounds.Length,
            Spread.Of(added.Select(a => a.TtftP50Ms)),
            Spread.Of(added.Select(a => a.TtftP99Ms)),
            Spread.Of(added.Select(a => a.ChunkP50Ms)),
            Spread.Of(added.Select(a => a.ChunkP99Ms)),
            Spread.Of(added.Select(a => a.ChunksPerSecondRatio)),
            cpu.Length == 0 ? null : Spread.Of(cpu.Select(r => r.ProxyCpuCores!.Value)),
            cpu.Length == 0 ? null : Spread.Of(cpu.Select(r => r.CpuMsPerThousandChunks!.Value)));
    }

    // Rounds are matched by number: a gateway and NGINX measured against the same direct run.
    private static PairedComparison Pair(int streams, string gateway, RunResult[] gatewayRounds, RunResult[] nginxRounds, IReadOnlyList<RunResult> all)
    {
        var pairs = gatewayRounds
            .Join(nginxRounds, g => g.Round, n => n.Round, (g, n) => (Gateway: Added.To(g, all), Nginx: Added.To(n, all), Ratio: g.ChunksPerSecond / n.ChunksPerSecond))
            .ToArray();
        return new PairedComparison(streams, gateway,
            [.. pairs.Select(p => p.Gateway.TtftP99Ms - p.Nginx.TtftP99Ms)],
            [.. pairs.Select(p => p.Gateway.ChunkP99Ms - p.Nginx.ChunkP99Ms)],
            [.. pairs.Select(p => p.Ratio)]);
    }
}
