using System.Diagnostics;
using Docker.DotNet.Models;
using GpuBench.Agent.Runtimes;
using GpuBench.Agent.Runtimes.Docker;
using GpuBench.Core.Runtime;

namespace GpuBench.Agent.Tests.Runtimes.Docker;

public sealed class DockerLeftoversTests
{
    [Fact]
    public void A_container_of_a_live_agent_on_this_box_is_not_a_leftover()
    {
        using var other = Process.Start(new ProcessStartInfo("sleep", "30"))!;
        try
        {
            var live = ProcessIdentity.Of(other);

            Assert.False(DockerRuntime.IsLeftover(Owned(live.ToString())));
            Assert.False(DockerRuntime.IsLeftover(Owned(ProcessIdentity.Current.ToString())));

            // Another process sees the same start a few milliseconds apart (each estimates the boot time itself).
            var seenElsewhere = live with { StartedTicks = live.StartedTicks + TimeSpan.FromMilliseconds(3).Ticks };
            Assert.False(DockerRuntime.IsLeftover(Owned(seenElsewhere.ToString())));
        }
        finally
        {
            other.Kill();
        }
    }

    [Fact]
    public void A_container_whose_agent_is_gone_or_unknown_is_a_leftover()
    {
        using var gone = Process.Start(new ProcessStartInfo("true"))!;
        gone.WaitForExit();
        var current = ProcessIdentity.Current;

        Assert.True(DockerRuntime.IsLeftover(Owned((current with { ProcessId = gone.Id, StartedTicks = 638000000000000000 }).ToString())));
        // The same pid, started a minute earlier: a recycled pid, not the agent.
        Assert.True(DockerRuntime.IsLeftover(Owned((current with { StartedTicks = current.StartedTicks - TimeSpan.FromMinutes(1).Ticks }).ToString())));
        Assert.True(DockerRuntime.IsLeftover(Owned("not an identity")));
        Assert.True(DockerRuntime.IsLeftover(new ContainerListResponse { Labels = new Dictionary<string, string> { [DeploymentLabels.Managed] = "true" } }));
    }

    [Fact]
    public void A_container_of_an_agent_on_another_machine_is_never_taken_for_a_leftover()
    {
        var gone = ProcessIdentity.Current with { ProcessId = int.MaxValue, StartedTicks = 1 };

        Assert.False(DockerRuntime.IsLeftover(Owned((gone with { Machine = $"{Environment.MachineName}-elsewhere" }).ToString())));
        // Another host of the same name (a container, a CI runner): its machine id tells it apart.
        Assert.False(DockerRuntime.IsLeftover(Owned((gone with { MachineId = "0123456789abcdef:1" }).ToString())));
    }

    private static ContainerListResponse Owned(string agent) => new()
    {
        Labels = new Dictionary<string, string> { [DeploymentLabels.Managed] = "true", [DeploymentLabels.Agent] = agent },
    };
}
