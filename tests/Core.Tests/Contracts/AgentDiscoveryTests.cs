using GpuBench.Core.Contracts;

namespace GpuBench.Core.Tests.Contracts;

public class AgentDiscoveryTests
{
    [Theory]
    [InlineData("sim-rtx4090", "agent-sim-rtx4090")]
    [InlineData("rtx4090_x_4", "agent-rtx4090-x-4")]
    [InlineData("Box..One", "agent-box-one")]
    [InlineData("__", "agent")]
    public void Resource_names_are_lowercase_letters_digits_and_single_hyphens(string server, string expected)
    {
        Assert.Equal(expected, AgentDiscovery.ResourceName(server));
    }

    [Fact]
    public void The_controller_reads_the_variable_aspire_sets_for_that_resource()
    {
        Assert.Equal("services__agent-sim-pro6000__http__0", AgentDiscovery.UrlVariable("sim-pro6000"));
    }
}
