using GpuBench.Core.Engines;

namespace GpuBench.Simulator.Cli;

/// <summary>The command line is one the pinned vLLM refuses; the message and exit code are vLLM's.</summary>
public sealed class VllmCliException(VllmCliError error) : Exception(error.Message)
{
    public int ExitCode { get; } = error.ExitCode;
}
