namespace GpuBench.Reporting.Slo;

/// <summary>One load point of one configuration placed by what it costs and how slow its slowest requests were.</summary>
public sealed record CostPoint(SloConfiguration Configuration, SloPoint Point, double E2elP99S, double UsdPerMtokOutput)
{
    /// <summary>Every point of the configurations that has a price, a p99 latency and no failed request.</summary>
    public static IReadOnlyList<CostPoint> Of(IEnumerable<SloConfiguration> configurations) =>
    [
        .. configurations.SelectMany(c => c.Points
            .Where(p => p.FailedRequests == 0 && p.E2elP99Ms is > 0)
            .Select(p => (Point: p, Usd: Pricing.TokenCost.UsdPerMillionTokens(c.UsdPerHour, p.OutputTokensPerS)))
            .Where(x => x.Usd is not null)
            .Select(x => new CostPoint(c, x.Point, x.Point.E2elP99Ms!.Value / 1000, x.Usd!.Value))),
    ];

    /// <summary>
    /// The points no other point beats on both cost and latency (lower is better on each), fastest first: each
    /// one cheaper than every faster one.
    /// </summary>
    public static IReadOnlyList<CostPoint> ParetoFrontier(IEnumerable<CostPoint> points)
    {
        var frontier = new List<CostPoint>();
        foreach (var point in points.OrderBy(p => p.E2elP99S).ThenBy(p => p.UsdPerMtokOutput))
        {
            if (frontier.Count == 0 || point.UsdPerMtokOutput < frontier[^1].UsdPerMtokOutput)
            {
                frontier.Add(point);
            }
        }

        return frontier;
    }
}
