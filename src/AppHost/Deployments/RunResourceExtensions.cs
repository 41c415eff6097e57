using GpuBench.AppHost.Wiring;
using GpuBench.Core.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GpuBench.AppHost.Deployments;

/// <summary>Adds the engines and gateways of the campaign's runs to the dashboard and keeps them live.</summary>
public static class RunResourceExtensions
{
    /// <summary>
    /// One resource per engine replica and one per gateway of every run planned on the agent's server, nested
    /// under the agent, waiting until the controller deploys the run.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRunResources(
        this IResourceBuilder<ProjectResource> agent, CampaignSettings campaign, ServerSpec server)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(campaign);
        foreach (var run in campaign.RunsOn(server))
        {
            IEnumerable<int?> processes = [.. Enumerable.Range(0, run.Layout.Replicas).Select(i => (int?)i), null];
            foreach (var replica in processes)
            {
                var resource = new RunProcessResource(run, replica, agent.Resource);
                agent.ApplicationBuilder.AddResource(resource)
                    .WithInitialState(DeploymentSnapshots.Initial(resource))
                    .WithIconName(replica is null ? "ArrowSplit" : "DeveloperBoard")
                    .ExcludeFromManifest();
            }
        }

        return agent;
    }

    /// <summary>Follows the agents' deployments with <paramref name="token"/>; <paramref name="controller"/> runs the campaign.</summary>
    public static IDistributedApplicationBuilder WatchDeployments(
        this IDistributedApplicationBuilder builder, IResourceBuilder<ParameterResource> token, IResourceBuilder<ProjectResource> controller)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(controller);
        builder.Services.AddHostedService(sp => new DeploymentWatcher(
            sp.GetRequiredService<DistributedApplicationModel>(),
            sp.GetRequiredService<ResourceNotificationService>(),
            sp.GetRequiredService<ResourceLoggerService>(),
            token.Resource,
            controller.Resource.Name,
            sp.GetRequiredService<ILogger<DeploymentWatcher>>()));
        return builder;
    }
}
