namespace GpuBench.Core.Engines;

/// <summary>What vLLM prints and the exit code it ends with when it refuses a command line or a setting.</summary>
public sealed record VllmCliError(string Message, int ExitCode)
{
    public override string ToString() => Message;
}
