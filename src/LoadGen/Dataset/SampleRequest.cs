namespace GpuBench.LoadGen.Dataset;

/// <summary>One prompt to send: its text, its length in the served model's tokens, and how many tokens to ask for.</summary>
public sealed record SampleRequest(int Index, string Prompt, int PromptTokens, int OutputTokens);
