using Aspire.Hosting.ApplicationModel;
using GpuBench.AppHost.Deployments;
using GpuBench.AppHost.Tests.Support;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Hardware;
using GpuBench.Core.Planning;

namespace GpuBench.AppHost.Tests.Deployments;

/// <summary>How an agent's deployment status shows on the engine and gateway resources of its run.</summary>
public sealed class DeploymentSnapshotTests : IDisposable
{
    private readonly TinyCampaign _campaign = new();
    private readonly ProjectResource _agent = new("agent-sim-rtx4090");

    private RunProcessResource Resource(int? replica)
    {
        var config = ConfigLoader.Load(_campaign.ConfigPath).Config!;
        return new RunProcessResource(new RunPlanner(GpuCatalog.Default).Plan(config).Runs.Single(), replica, _agent);
    }

    private static DeploymentStatus Status(DeploymentState state, bool replicaReady, string? error = null, string? replicaError = null) =>
        new("d1", "spring", RequestTraces.Run, RuntimeKind.Process, "1×tp1×pp1", state, error,
            state == DeploymentState.Ready ? "http://127.0.0.1:9000" : null,
            [new ReplicaStatus(0, [0], "http://127.0.0.1:9001", "4242", replicaReady, replicaError)],
            Engine: null, new RenderedDeployment(null, ""), DateTimeOffset.UnixEpoch);

    private static CustomResourceSnapshot Show(RunProcessResource resource, DeploymentStatus status) =>
        DeploymentSnapshots.Apply(DeploymentSnapshots.Initial(resource), resource, status);

    [Fact]
    public void A_replica_that_serves_runs_with_its_url_while_the_gateway_still_starts()
    {
        var status = Status(DeploymentState.Starting, replicaReady: true);

        var engine = Show(Resource(0), status);
        var gateway = Show(Resource(null), status);

        Assert.Equal(KnownResourceStates.Running, engine.State?.Text);
        Assert.Equal("http://127.0.0.1:9001", Assert.Single(engine.Urls).Url);
        Assert.Equal(KnownResourceStates.Starting, gateway.State?.Text);
        Assert.Empty(gateway.Urls);
        Assert.Contains(gateway.Properties, p => p.Name == "gpubench.deployment" && Equals(p.Value, "d1"));
    }

    [Fact]
    public void A_ready_deployment_shows_the_gateway_url_and_a_stopped_one_is_finished_without_urls()
    {
        var gateway = Resource(null);

        var ready = Show(gateway, Status(DeploymentState.Ready, replicaReady: true));
        var stopped = DeploymentSnapshots.Apply(ready, gateway, Status(DeploymentState.Stopped, replicaReady: true));

        Assert.Equal("http://127.0.0.1:9000", Assert.Single(ready.Urls).Url);
        Assert.Equal(KnownResourceStates.Finished, stopped.State?.Text);
        Assert.Equal(KnownResourceStateStyles.Success, stopped.State?.Style);
        Assert.Empty(stopped.Urls);
        Assert.NotNull(stopped.StopTimeStamp);
    }

    [Fact]
    public void A_failed_deployment_shows_the_replicas_own_error_or_else_the_deployments()
    {
        var status = Status(DeploymentState.Failed, replicaReady: false, error: "deployment error", replicaError: "replica 0 ran out of memory");

        var engine = Show(Resource(0), status);
        var gateway = Show(Resource(null), status);

        Assert.Equal((DeploymentSnapshots.Failed, KnownResourceStateStyles.Error), (engine.State?.Text, engine.State?.Style));
        Assert.Contains(engine.Properties, p => p.DisplayName == "Error" && Equals(p.Value, "replica 0 ran out of memory"));
        Assert.Contains(gateway.Properties, p => p.DisplayName == "Error" && Equals(p.Value, "deployment error"));
    }

    [Fact]
    public void The_deployments_warnings_and_engine_start_time_show_on_its_resources()
    {
        var status = Status(DeploymentState.Ready, replicaReady: true) with
        {
            Warnings = ["vLLM tracing is off for this deployment: the image lacks the OpenTelemetry packages"],
            EngineStartSeconds = 84.4,
        };

        var engine = Show(Resource(0), status);

        Assert.Contains(engine.Properties, p => p.DisplayName == "Warnings" && Equals(p.Value, status.Warnings[0]));
        Assert.Contains(engine.Properties, p => p.DisplayName == "Engine start (s)" && Equals(p.Value, "84.4"));
        Assert.DoesNotContain(Show(Resource(0), Status(DeploymentState.Ready, replicaReady: true)).Properties, p => p.DisplayName == "Warnings");
    }

    [Fact]
    public void Only_a_run_still_waiting_when_the_campaign_ends_is_marked_not_run()
    {
        var resource = Resource(0);
        var finished = Show(resource, Status(DeploymentState.Stopped, replicaReady: true));

        Assert.Equal(DeploymentSnapshots.NotRun, DeploymentSnapshots.NeverDeployed(DeploymentSnapshots.Initial(resource)).State?.Text);
        Assert.Equal(KnownResourceStates.Finished, DeploymentSnapshots.NeverDeployed(finished).State?.Text);
    }

    public void Dispose() => _campaign.Dispose();
}
