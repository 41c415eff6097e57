namespace GpuBench.Core.Engines;

/// <summary>
/// A command line read against the contract: the model, the contract's flags with their values (by canonical
/// name, in order), the flags the contract does not list, and the first thing vLLM would refuse, if any.
/// </summary>
public sealed record VllmCliCheck(
    VllmEntrypoint Entrypoint,
    string? Model,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Flags,
    IReadOnlyList<string> UnknownFlags,
    VllmCliError? Error)
{
    public bool Accepted => Error is null;

    public bool Has(string flag) => Flags.Any(f => f.Key == flag);

    /// <summary>The last value given to <paramref name="flag"/> (argparse keeps the last), or null.</summary>
    public string? Value(string flag) => Flags.LastOrDefault(f => f.Key == flag).Value is { Count: > 0 } values ? values[^1] : null;
}
