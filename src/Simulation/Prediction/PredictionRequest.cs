namespace GpuBench.Simulation.Prediction;

/// <summary>
/// One request of a dataset to predict: its prompt and output lengths in tokens; for a multi-turn run its conversation
/// and turn (the prompt then holds the conversation so far); for a trace its send time in seconds.
/// </summary>
public sealed record PredictionRequest(int InputLen, int OutputLen, int? Conversation = null, int? Turn = null, double? SendAtS = null);
