using GpuBench.Agent.Runtimes.Process;

namespace GpuBench.Agent.Tests.Runtimes;

public class ProcessRuntimeTests
{
    [Theory]
    [InlineData(1, "the engine process exited with code 1")]
    [InlineData(137, "the engine process was killed (SIGKILL, often the kernel's out-of-memory killer)")]
    [InlineData(143, "the engine process was killed by signal 15")]
    public void Exit_codes_are_told_as_reasons(int exitCode, string reason)
    {
        Assert.Equal(reason, ProcessRuntime.ExitReason(exitCode));
    }
}
