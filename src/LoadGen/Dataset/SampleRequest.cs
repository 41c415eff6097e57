namespace GpuBench.LoadGen.Dataset;

/// <summary>
/// One prompt to send: its text, its length in the served model's tokens, and how many tokens to ask for.
/// <see cref="SendAtS"/> is set by traces: when to send it, in seconds from the start of the timed window.
/// </summary>
public sealed record SampleRequest(int Index, string Prompt, int PromptTokens, int OutputTokens, double? SendAtS = null);
