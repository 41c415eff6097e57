using GpuBench.Reporting.Import;

namespace GpuBench.Reporting.Tests.Import;

public class CommandLineFlagsTests
{
    [Fact]
    public void Reads_spaced_and_equals_values_and_switches()
    {
        var flags = CommandLineFlags.Parse(
            "vllm bench serve   --model org/m_1 --max-concurrency 200\n --ignore-eos --gpu-memory-utilization=0.9 --num-prompts 1200");

        Assert.Equal("org/m_1", flags["--model"]);
        Assert.Equal(200, flags.Int("--max-concurrency"));
        Assert.Equal("", flags["--ignore-eos"]);
        Assert.Equal("0.9", flags["--gpu-memory-utilization"]);
        Assert.Equal(1200, flags.Int("--num-prompts"));
        Assert.Null(flags["--seed"]);
        Assert.Null(flags.Int("--ignore-eos"));
    }
}
