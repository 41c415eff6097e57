namespace GpuBench.Controller.Ssh;

/// <summary>
/// How a dropped link is retried: exponential delays with jitter (so boxes that dropped together do not all come
/// back in the same instant), capped, for a bounded number of attempts or until cancelled.
/// </summary>
public sealed record ReconnectPolicy
{
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    public double Multiplier { get; init; } = 2;

    /// <summary>Each delay is spread uniformly over ±this fraction of itself.</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>Attempts before the link is declared lost; null retries until the link is disposed.</summary>
    public int? MaxAttempts { get; init; } = 20;

    /// <summary>The wait before attempt <paramref name="attempt"/> (1-based); never more than <see cref="MaxDelay"/>.</summary>
    public TimeSpan DelayBefore(int attempt, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        ArgumentNullException.ThrowIfNull(random);
        var exponential = InitialDelay.TotalMilliseconds * Math.Pow(Multiplier, Math.Min(attempt - 1, 62));
        var capped = Math.Min(exponential, MaxDelay.TotalMilliseconds);
        var jittered = capped * (1 + (Jitter * ((2 * random.NextDouble()) - 1)));
        return TimeSpan.FromMilliseconds(Math.Clamp(jittered, 0, MaxDelay.TotalMilliseconds));
    }
}
