using GpuBench.Controller.Campaigns;
using GpuBench.Core.Config;

namespace GpuBench.Controller.Tests.Campaigns;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LocalAgentSessionTests(SharedTestBundle bundle)
{
    private static readonly ServerSpec Server = new()
    {
        Name = "local",
        Local = true,
        Gpu = new GpuSpec("rtx4090", 1),
        Models = [],
        Workloads = [],
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_agent_chooses_its_own_port_and_the_session_reaches_it_there()
    {
        using var harness = new CampaignHarness();

        var session = await LocalAgentSession.StartAsync(
            harness.Get<AgentClientFactory>(), AgentTools.InBundle(bundle.Path), Server, TimeProvider.System, Ct);
        await using (session)
        {
            Assert.NotEqual(0, session.Client.BaseUrl.Port);
            var report = await session.Client.GetSystemInfoAsync(Ct);
            Assert.True(report.Info.Gpus.Simulated);
            Assert.Equal("NVIDIA GeForce RTX 4090", Assert.Single(report.Info.Gpus.Gpus).Name);
            Assert.Contains("RTX 4090", report.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_agents_port_is_learnt_even_when_its_settings_silence_its_log()
    {
        using var harness = new CampaignHarness();
        var quiet = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "None" };

        var session = await LocalAgentSession.StartAsync(
            harness.Get<AgentClientFactory>(), AgentTools.InBundle(bundle.Path), Server, TimeProvider.System, Ct, quiet);
        await using (session)
        {
            Assert.True((await session.Client.GetSystemInfoAsync(Ct)).Info.Gpus.Simulated);
        }
    }

    [Fact]
    public async Task An_agent_that_exits_at_start_is_reported_with_its_output()
    {
        using var harness = new CampaignHarness();
        var tools = AgentTools.InBundle(bundle.Path) with { Agent = ["/bin/sh", "-c", "echo 'no GPUs here' >&2; exit 3"] };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            LocalAgentSession.StartAsync(harness.Get<AgentClientFactory>(), tools, Server, TimeProvider.System, Ct));

        Assert.Contains("exited at start with code 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("no GPUs here", error.Message, StringComparison.Ordinal);
    }
}
