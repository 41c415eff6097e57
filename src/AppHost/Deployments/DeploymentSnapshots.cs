using System.Collections.Immutable;
using System.Globalization;
using GpuBench.Core.Contracts;

namespace GpuBench.AppHost.Deployments;

/// <summary>
/// What the dashboard shows of an engine replica or gateway: the planned run before the controller deploys it
/// (Waiting), then the agent's deployment status mapped to Starting, Running, Finished or Failed with the error,
/// the process's URL while it serves, and its GPUs, layout and deployment id as properties.
/// </summary>
public static class DeploymentSnapshots
{
    public const string EngineType = "Engine";
    public const string GatewayType = "Gateway";

    /// <summary>A run whose deployment failed; not one of Aspire's known states, shown in its error style.</summary>
    public const string Failed = "Failed";

    /// <summary>A run the controller never deployed (the campaign ended before it, or stopped at an earlier failure).</summary>
    public const string NotRun = "Not run";

    private const string RunProperty = "gpubench.run";
    private const string LayoutProperty = "gpubench.layout";
    private const string GpusProperty = "gpubench.gpus";
    private const string DeploymentProperty = "gpubench.deployment";
    private const string ErrorProperty = "gpubench.error";
    private const string WarningsProperty = "gpubench.warnings";
    private const string EngineStartProperty = "gpubench.engine_start_seconds";

    /// <summary>The snapshot a resource starts with: the run as planned, waiting for the controller to deploy it.</summary>
    public static CustomResourceSnapshot Initial(RunProcessResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var run = resource.Run;
        var gpus = resource.Replica is { } index ? run.Layout.Placements[index].GpuIds : run.Layout.Placements.SelectMany(p => p.GpuIds).ToArray();
        return new CustomResourceSnapshot
        {
            ResourceType = resource.IsGateway ? GatewayType : EngineType,
            State = new ResourceStateSnapshot(KnownResourceStates.Waiting, KnownResourceStateStyles.Info),
            Properties =
            [
                new(RunProperty, run.RelativePath) { DisplayName = "Run", IsHighlighted = true },
                new(LayoutProperty, run.Layout.ToString()) { DisplayName = "Layout" },
                new(GpusProperty, string.Join(',', gpus.Select(g => g.ToString(CultureInfo.InvariantCulture)))) { DisplayName = "GPUs" },
                new(CustomResourceKnownProperties.Source, resource.IsGateway ? "GpuBench.Gateway" : run.Engine.Kind.ToString().ToLowerInvariant()),
            ],
        };
    }

    /// <summary>The snapshot once the agent reports <paramref name="deployment"/> for the resource's run.</summary>
    public static CustomResourceSnapshot Apply(CustomResourceSnapshot snapshot, RunProcessResource resource, DeploymentStatus deployment)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(deployment);
        var replica = resource.Replica is { } index ? deployment.Replicas.FirstOrDefault(r => r.Index == index) : null;
        var (state, serving) = StateOf(resource, deployment, replica);
        var url = serving ? (resource.IsGateway ? deployment.GatewayUrl : replica?.Url) : null;
        var error = deployment.State == DeploymentState.Failed ? replica?.Error ?? deployment.Error : null;
        var terminal = state.Text == KnownResourceStates.Finished || state.Text == Failed;
        return snapshot with
        {
            State = state,
            Urls = url is null ? [] : [new UrlSnapshot(resource.IsGateway ? "gateway" : "engine", url, IsInternal: false)],
            Properties = With(snapshot.Properties,
                (DeploymentProperty, deployment.Id, "Deployment"),
                (ErrorProperty, error, "Error"),
                // E.g. vLLM started without tracing: the deployment runs, but not as asked.
                (WarningsProperty, deployment.Warnings.Count > 0 ? string.Join("\n", deployment.Warnings) : null, "Warnings"),
                (EngineStartProperty, deployment.EngineStartSeconds?.ToString("F1", CultureInfo.InvariantCulture), "Engine start (s)")),
            StartTimeStamp = snapshot.StartTimeStamp ?? deployment.CreatedAt.UtcDateTime,
            StopTimeStamp = terminal ? snapshot.StopTimeStamp ?? DateTime.UtcNow : null,
        };
    }

    /// <summary>The snapshot of a run still waiting when the campaign is over: it will not run.</summary>
    public static CustomResourceSnapshot NeverDeployed(CustomResourceSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.State?.Text == KnownResourceStates.Waiting
            ? snapshot with { State = new ResourceStateSnapshot(NotRun, KnownResourceStateStyles.Info) }
            : snapshot;
    }

    private static (ResourceStateSnapshot State, bool Serving) StateOf(RunProcessResource resource, DeploymentStatus deployment, ReplicaStatus? replica) =>
        deployment.State switch
        {
            DeploymentState.Failed => (new ResourceStateSnapshot(Failed, KnownResourceStateStyles.Error), false),
            DeploymentState.Stopped => (new ResourceStateSnapshot(KnownResourceStates.Finished, KnownResourceStateStyles.Success), false),
            DeploymentState.Ready => (new ResourceStateSnapshot(KnownResourceStates.Running, KnownResourceStateStyles.Success), true),
            // A replica serves before its siblings and the gateway do; the gateway only once the deployment is ready.
            _ when !resource.IsGateway && replica is { Ready: true } => (new ResourceStateSnapshot(KnownResourceStates.Running, KnownResourceStateStyles.Success), true),
            _ => (new ResourceStateSnapshot(KnownResourceStates.Starting, KnownResourceStateStyles.Info), false),
        };

    private static ImmutableArray<ResourcePropertySnapshot> With(
        ImmutableArray<ResourcePropertySnapshot> properties, params (string Name, string? Value, string DisplayName)[] values)
    {
        var names = values.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        return
        [
            .. properties.Where(p => !names.Contains(p.Name)),
            .. values.Where(v => v.Value is not null).Select(v => new ResourcePropertySnapshot(v.Name, v.Value) { DisplayName = v.DisplayName }),
        ];
    }
}
