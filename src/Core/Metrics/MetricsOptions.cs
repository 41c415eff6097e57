using System.Globalization;

namespace GpuBench.Core.Metrics;

/// <summary>How to summarise a run: which percentiles, which SLOs, and the load settings echoed in results.</summary>
public sealed record MetricsOptions
{
    public static MetricsOptions Default { get; } = new();

    /// <summary>vLLM's <c>--metric-percentiles</c>; its default is 99.</summary>
    public IReadOnlyList<double> Percentiles { get; init; } = [99];

    /// <summary>vLLM's <c>--goodput</c>; null when not asked for.</summary>
    public GoodputSlo? Goodput { get; init; }

    public int? MaxConcurrency { get; init; }

    public double RequestRate { get; init; } = double.PositiveInfinity;

    /// <summary>Parses vLLM's <c>--metric-percentiles</c> list ("50,90,99").</summary>
    public static IReadOnlyList<double> ParsePercentiles(string text)
    {
        var values = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 100
                ? p
                : throw new FormatException($"--metric-percentiles: '{s}' is not a number between 0 and 100 (example: 50,90,99)."))
            .ToArray();
        return values.Length > 0 ? values : throw new FormatException("--metric-percentiles: give at least one percentile (example: 50,90,99).");
    }
}

/// <summary>Service-level objectives in milliseconds; a request is "good" when it meets every one given.</summary>
public sealed record GoodputSlo(double? TtftMs = null, double? TpotMs = null, double? E2elMs = null)
{
    /// <summary>Parses vLLM's <c>--goodput</c> pairs: "ttft:500 tpot:50 e2el:20000".</summary>
    public static GoodputSlo Parse(IEnumerable<string> pairs)
    {
        var slo = new GoodputSlo();
        foreach (var pair in pairs.SelectMany(p => p.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            var parts = pair.Split(':');
            if (parts.Length != 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) || ms < 0)
            {
                throw new FormatException($"--goodput: '{pair}' should be KEY:MILLISECONDS with KEY one of ttft, tpot, e2el (example: ttft:500).");
            }

            slo = parts[0].ToLowerInvariant() switch
            {
                "ttft" => slo with { TtftMs = ms },
                "tpot" => slo with { TpotMs = ms },
                "e2el" => slo with { E2elMs = ms },
                _ => throw new FormatException($"--goodput: unknown metric '{parts[0]}'; use ttft, tpot or e2el."),
            };
        }

        return slo;
    }

    /// <summary>
    /// vLLM's rule: every given SLO (converted to seconds, as vLLM does, so ties compare the same) ≥ the request's
    /// value; TPOT counts as 0 for a request with one output token.
    /// </summary>
    public bool IsMetBy(RequestRecord request) =>
        (TtftMs is not { } ttft || ttft / 1000 >= request.TtftS)
        && (TpotMs is not { } tpot || tpot / 1000 >= (request.TpotS ?? 0))
        && (E2elMs is not { } e2el || e2el / 1000 >= request.E2elS);
}
