namespace GpuBench.Simulation.Prediction;

/// <summary>
/// The load to predict, shaped as the load generator drives it: num_prompts requests of random lengths, a
/// client-side concurrency limit, and arrivals all at once (rate infinity) or by a seeded gamma process.
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
}
