namespace GpuBench.Simulation.Profiles.HuggingFace;

/// <summary>A model's config.json that cannot be turned into a profile: the message names the file and the missing piece.</summary>
public sealed class ModelConfigException(string message) : Exception(message);
