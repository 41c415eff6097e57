using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using GpuBench.AppHost.Deployments;
using GpuBench.AppHost.Tests.Support;
using GpuBench.Core.Contracts;

namespace GpuBench.AppHost.Tests.Deployments;

/// <summary>The AppHost's model before it starts: one resource per planned engine replica and gateway, under its agent.</summary>
public sealed class RunResourceTests : IDisposable
{
    private readonly TinyCampaign _campaign = new();

    [Fact]
    public async Task Each_planned_run_has_an_engine_resource_per_replica_and_a_gateway_under_its_agent()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--config", _campaign.ConfigPath], ct);

        var resources = builder.Resources.OfType<RunProcessResource>().ToArray();

        // One RTX 4090 holds the 17 GB model: one replica, so one engine and the gateway.
        Assert.Equal([RunResources.Replica(RequestTraces.Run, 0), RunResources.Gateway(RequestTraces.Run)], resources.Select(r => r.Name));
        Assert.All(resources, r => Assert.Equal(AgentDiscovery.ResourceName(TinyCampaign.Server), r.Parent.Name));
        Assert.All(resources, r => Assert.Same(builder.Resources.Single(a => a.Name == r.Parent.Name), r.Parent));
        var initial = resources[0].Annotations.OfType<ResourceSnapshotAnnotation>().Single().InitialSnapshot;
        Assert.Equal(KnownResourceStates.Waiting, initial.State?.Text);
        Assert.Equal(DeploymentSnapshots.EngineType, initial.ResourceType);
        Assert.Contains(initial.Properties, p => p.DisplayName == "Run" && Equals(p.Value, RequestTraces.Run));
    }

    public void Dispose() => _campaign.Dispose();
}
