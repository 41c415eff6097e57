using GpuBench.Core.Contracts;

namespace GpuBench.Core.Tests.Contracts;

public sealed class RunResourcesTests
{
    [Fact]
    public void Replica_and_gateway_names_lead_with_model_workload_and_process_then_the_server()
    {
        Assert.Equal("qwen3-coder-30b-smoke-r2-sim-rtx4090", RunResources.Replica("sim-rtx4090/qwen3-coder-30b/smoke", 2));
        Assert.Equal("llama-3-3-70b-smoke-gateway-sim-rtx4090", RunResources.Gateway("sim-rtx4090/llama-3.3-70b/smoke"));
        Assert.Equal("run-r0-sim-2x1", RunResources.Replica("sim-2x1", 0));
    }

    [Theory]
    [InlineData("4090-box/qwen/smoke")]
    [InlineData("a-very-long-server-name-for-the-lab/an-even-longer-model-name-with-a-revision/throughput")]
    [InlineData("a-very-long-server-name-for-the-lab/an-even-longer-model-name-with-a-revision/throughput-2")]
    [InlineData("__/__/__")]
    [InlineData("box/7b-model/smoke")]
    [InlineData("a-server-name-so-long-that-it-alone-fills-most-of-the-sixty-four-characters/m/w")]
    public void Every_name_is_a_valid_aspire_resource_name(string run)
    {
        foreach (var name in new[] { RunResources.Replica(run, 11), RunResources.Gateway(run) })
        {
            Assert.InRange(name.Length, 1, RunResources.MaxLength);
            Assert.Matches("^[a-z]([a-z0-9]|-(?!-))*[a-z0-9]$", name);
        }
    }

    [Fact]
    public void Long_runs_that_share_a_prefix_keep_distinct_names()
    {
        const string Prefix = "a-very-long-server-name-for-the-lab/an-even-longer-model-name-with-a-revision/";

        Assert.NotEqual(RunResources.Gateway(Prefix + "throughput"), RunResources.Gateway(Prefix + "throughput-2"));
        Assert.Contains("-r3-", RunResources.Replica(Prefix + "throughput", 3), StringComparison.Ordinal);
    }
}
