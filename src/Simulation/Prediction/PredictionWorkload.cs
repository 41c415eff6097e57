namespace GpuBench.Simulation.Prediction;

/// <summary>
/// The load to predict, shaped as the load generator drives it: num_prompts requests of random lengths (or a
/// dataset's <see cref="Requests"/>), a client-side concurrency limit, and arrivals all at once (rate infinity) or by
/// a seeded gamma process (or a trace's send times). A multi-turn dataset's conversations each hold one concurrency
/// slot and arrive as requests do; a turn is sent <see cref="ThinkTime"/> after the previous turn's last token.
/// </summary>
public sealed record PredictionWorkload
{
    public int InputLen { get; init; } = 1000;
    public int OutputLen { get; init; } = 1000;
    public int NumPrompts { get; init; } = 1000;

    /// <summary>Client-side semaphore; null means no limit.</summary>
    public int? MaxConcurrency { get; init; }

    /// <summary>Requests per second; infinity releases every request at once.</summary>
    public double RequestRate { get; init; } = double.PositiveInfinity;

    public double Burstiness { get; init; } = 1;

    /// <summary>Input and output lengths are uniform on [len·(1−r), len·(1+r)], as vLLM's random dataset.</summary>
    public double RangeRatio { get; init; }

    public int Seed { get; init; }

    /// <summary>A dataset's requests, in order; null for <see cref="NumPrompts"/> random ones.</summary>
    public IReadOnlyList<PredictionRequest>? Requests { get; init; }

    /// <summary>Seconds between a turn's last token and its conversation's next turn.</summary>
    public double ThinkTime { get; init; }
}
