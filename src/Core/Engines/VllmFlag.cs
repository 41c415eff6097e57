namespace GpuBench.Core.Engines;

/// <summary>One flag of the contract: its value shape, short aliases, the optional package it needs and where vLLM defines it.</summary>
public sealed record VllmFlag
{
    public string Shape { get; init; } = "string";
    public List<string> Aliases { get; init; } = [];
    public List<string> Choices { get; init; } = [];
    public string? Needs { get; init; }
    public string Source { get; init; } = "";

    public bool TakesValue => Shape != "switch";
}
