namespace GpuBench.LoadGen.Running;

/// <summary>A snapshot of a run in progress, for progress bars.</summary>
public readonly record struct LoadProgress(string Phase, int Total, int Completed, int Failed, int InFlight, long OutputTokens);
