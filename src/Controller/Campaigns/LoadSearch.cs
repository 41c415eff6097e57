using GpuBench.Core.Config;

namespace GpuBench.Controller.Campaigns;

/// <summary>A load a search ran, and whether it met the SLO.</summary>
public sealed record SearchTrial(double Load, bool Met);

/// <summary>The search's next move: a load to run and why, or why it stops (<see cref="Load"/> null).</summary>
public sealed record SearchStep(double? Load, string Why);

/// <summary>
/// The search for the highest load meeting an SLO, in at most <see cref="MaxPoints"/> points: start at
/// <see cref="Start"/> (where the prediction puts the limit), bracket (×<see cref="Factor"/> up while points meet the
/// SLO, ÷<see cref="Factor"/> down while they miss), then bisect between the highest load that met and the lowest
/// that missed (whole numbers for a concurrency; for a rate, until the bracket is within <see cref="RateTolerance"/>).
/// It holds no state: the next step follows from the trials so far, so a resumed search takes the same steps.
/// </summary>
public sealed class LoadSearch
{
    /// <summary>The bracket's growth and shrink factor.</summary>
    public const double Factor = 2;

    /// <summary>A rate search stops once the lowest missing rate is within this share above the highest meeting one.</summary>
    public const double RateTolerance = 0.05;

    public LoadSearch(LoadKind kind, double min, double max, double start, string startWhy, int maxPoints = SweepSpec.MaxSearchPoints)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(min, max);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 1);
        Kind = kind;
        Min = min;
        Max = max;
        Start = Math.Clamp(Round(start), min, max);
        StartWhy = startWhy;
        MaxPoints = maxPoints;
    }

    public LoadKind Kind { get; }
    public double Min { get; }
    public double Max { get; }
    public double Start { get; }
    public string StartWhy { get; }
    public int MaxPoints { get; }

    /// <summary>The highest load of <paramref name="trials"/> that met the SLO; null when none did.</summary>
    public static double? Limit(IEnumerable<SearchTrial> trials) =>
        trials.Where(t => t.Met).Select(t => (double?)t.Load).Max();

    /// <summary>The next load to run after <paramref name="trials"/> (in the order they ran), or why the search ends.</summary>
    public SearchStep Next(IReadOnlyList<SearchTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        if (trials.Count == 0)
        {
            return new SearchStep(Start, StartWhy);
        }

        var met = Limit(trials);
        var missed = trials.Where(t => !t.Met && (met is null || t.Load > met)).Select(t => (double?)t.Load).Min();
        var step = Bracket(met, missed);
        if (step.Load is not null && trials.Count >= MaxPoints)
        {
            return new SearchStep(null, $"point limit: {MaxPoints} points run; {Summary(met, missed)}");
        }

        return step.Load is { } load && trials.Any(t => t.Load == load)
            ? new SearchStep(null, $"no untried load left between them; {Summary(met, missed)}")
            : step;
    }

    private SearchStep Bracket(double? met, double? missed) => (met, missed) switch
    {
        (null, null) => throw new InvalidOperationException("A trial either met the SLO or missed it."),
        ({ } low, null) when low >= Max => new SearchStep(null, $"max {Name(Max)} meets the SLO: the limit is at or above the search's max"),
        ({ } low, null) => new SearchStep(Math.Min(Max, Round(low * Factor)), $"bracket up: {Name(low)} met the SLO, trying ×{Factor:0}"),
        (null, { } high) when high <= Min => new SearchStep(null, $"min {Name(Min)} misses the SLO: no load of the search meets it"),
        (null, { } high) => new SearchStep(Math.Max(Min, Round(high / Factor)), $"bracket down: {Name(high)} missed the SLO, trying ÷{Factor:0}"),
        ({ } low, { } high) => Bisect(low, high),
    };

    private SearchStep Bisect(double low, double high)
    {
        var narrowed = Kind == LoadKind.MaxConcurrency ? high - low <= 1 : high <= low * (1 + RateTolerance);
        if (narrowed)
        {
            return new SearchStep(null, $"bracket narrowed: {Summary(low, high)}");
        }

        var middle = Kind == LoadKind.MaxConcurrency ? Math.Floor((low + high) / 2) : Round((low + high) / 2);
        return new SearchStep(middle, $"bisect: between {Name(low)} (met) and {Name(high)} (missed)");
    }

    private string Summary(double? met, double? missed) =>
        $"highest meeting the SLO {(met is { } m ? Name(m) : "none")}, lowest missing it {(missed is { } h ? Name(h) : "none")}";

    /// <summary>A whole concurrency, or a rate to three significant digits (point folders stay short: r2.5, r13.3).</summary>
    private double Round(double load)
    {
        if (Kind == LoadKind.MaxConcurrency)
        {
            return Math.Max(1, Math.Round(load));
        }

        var digits = Math.Max(0, 2 - (int)Math.Floor(Math.Log10(load)));
        return Math.Round(load, Math.Min(digits, 15));
    }

    private string Name(double load) => new LoadPoint(Kind, load).Name;
}
