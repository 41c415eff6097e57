namespace GpuBench.LoadGen.Dataset;

/// <summary>
/// One prompt to send: its text, its length in the served model's tokens, and how many tokens to ask for.
/// <see cref="SendAtS"/> is set by traces: when to send it, in seconds from the start of the timed window.
/// Multi-turn runs set <see cref="Conversation"/> and <see cref="Turn"/>: the prompt is then the turn's user message,
/// and <see cref="PromptTokens"/> the length of the whole history it is sent with (the dataset's answers standing for
/// the model's, which the run sends instead).
/// </summary>
public sealed record SampleRequest(
    int Index, string Prompt, int PromptTokens, int OutputTokens, double? SendAtS = null, int? Conversation = null, int? Turn = null);
