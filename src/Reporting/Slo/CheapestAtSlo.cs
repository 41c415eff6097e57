using GpuBench.Reporting.Statistics;

namespace GpuBench.Reporting.Slo;

/// <summary>
/// The answer of a workload with an SLO: the configurations meeting it, cheapest first by $ per million output
/// tokens at their highest load meeting it. <see cref="Leaders"/> is the winner alone when its interval separates
/// from the runner-up's, else every configuration tied with the cheapest; <see cref="Comparison"/> is the cheapest
/// against the runner-up (null with fewer than two).
/// </summary>
public sealed record CheapestAtSlo(IReadOnlyList<SloConfiguration> Ranked, IReadOnlyList<SloConfiguration> Leaders, Comparison? Comparison)
{
    public static CheapestAtSlo Of(IEnumerable<SloConfiguration> configurations)
    {
        var ranked = configurations
            .Where(c => c.AtSlo is not null && c.UsdPerMtokOutput is not null)
            .OrderBy(c => c.UsdPerMtokOutput!.Value)
            .ThenBy(c => c.Label, StringComparer.Ordinal)
            .ToList();
        if (ranked.Count < 2)
        {
            return new CheapestAtSlo(ranked, ranked, null);
        }

        var cheapest = ranked[0].UsdPerMtokOutput!;
        var leaders = ranked.Where((c, i) => i == 0 || Comparison.OfLowerIsBetter(cheapest, c.UsdPerMtokOutput!).Verdict == Statistics.Verdict.Tie).ToList();
        return new CheapestAtSlo(ranked, leaders, Comparison.OfLowerIsBetter(cheapest, ranked[1].UsdPerMtokOutput!));
    }

    /// <summary>Winner when one configuration leads alone, tie when several do; null when none met the SLO with a price.</summary>
    public Verdict? Verdict => Leaders.Count switch
    {
        0 => null,
        1 => Statistics.Verdict.Winner,
        _ => Statistics.Verdict.Tie,
    };
}
