using GpuBench.Core.Contracts;
using GpuBench.Core.Planning;

namespace GpuBench.AppHost.Deployments;

/// <summary>
/// A process an agent starts for one run of the campaign: an engine replica (<see cref="Replica"/> set) or the
/// gateway over the replicas. Shown in the dashboard under its agent; its state follows the agent's deployment of
/// the run (<see cref="DeploymentSnapshots"/>). Named as the agent names the process's telemetry (<see cref="RunResources"/>).
/// </summary>
public sealed class RunProcessResource(PlannedRun run, int? replica, ProjectResource agent)
    : Resource(replica is { } index ? RunResources.Replica(run.RelativePath, index) : RunResources.Gateway(run.RelativePath)),
      IResourceWithParent<ProjectResource>
{
    public ProjectResource Parent { get; } = agent;

    public PlannedRun Run { get; } = run;

    /// <summary>The replica's index; null for the gateway.</summary>
    public int? Replica { get; } = replica;

    public bool IsGateway => Replica is null;
}
