using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GpuBench.Core.Contracts;
using GpuBench.Core.Tracing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GpuBench.AppHost.Deployments;

/// <summary>
/// Keeps the dashboard's engine and gateway resources (<see cref="RunProcessResource"/>) in step with the agents:
/// once an agent is healthy, reads its deployments (GET /deployments with the campaign's bearer token, on 127.0.0.1,
/// marked untraced) every <see cref="PollInterval"/> and publishes each run's latest deployment to its resources. When the
/// controller has ended, runs it never deployed are marked as not run.
/// </summary>
public sealed class DeploymentWatcher(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    ResourceLoggerService resourceLogs,
    ParameterResource token,
    string controller,
    ILogger<DeploymentWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private volatile bool _controllerEnded;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var byAgent = model.Resources.OfType<RunProcessResource>().GroupBy(r => r.Parent).ToArray();
        if (byAgent.Length == 0)
        {
            return;
        }

        var watches = byAgent.Select(g => GuardAsync(g.Key, [.. g], stoppingToken)).Append(AwaitControllerAsync(stoppingToken));
        try
        {
            await Task.WhenAll(watches);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
    }

    private async Task AwaitControllerAsync(CancellationToken cancellationToken)
    {
        if (model.Resources.Any(r => r.Name == controller))
        {
            await notifications.WaitForResourceAsync(controller, e => e.Snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state), cancellationToken);
            _controllerEnded = true;
        }
    }

    /// <summary>A watch that breaks is logged and ends: the resources then stop following, the campaign goes on (an exception would stop the AppHost).</summary>
    private async Task GuardAsync(ProjectResource agent, IReadOnlyList<RunProcessResource> resources, CancellationToken cancellationToken)
    {
        try
        {
            await WatchAgentAsync(agent, resources, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "The dashboard stopped following the deployments of {Agent}", agent.Name);
        }
    }

    private async Task WatchAgentAsync(ProjectResource agent, IReadOnlyList<RunProcessResource> resources, CancellationToken cancellationToken)
    {
        await notifications.WaitForResourceHealthyAsync(agent.Name, cancellationToken);
        using var client = new HttpClient { BaseAddress = new Uri(agent.GetEndpoint("http").Url), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await token.GetValueAsync(cancellationToken));
        client.DefaultRequestHeaders.MarkUntraced();
        var published = new Dictionary<string, string>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(PollInterval);
        do
        {
            // Read the flag before the poll: a run deployed before the controller ended is then seen by this poll.
            var controllerEnded = _controllerEnded;
            DeploymentStatus[] deployments;
            try
            {
                deployments = await client.GetFromJsonAsync<DeploymentStatus[]>("/deployments", ContractJson.Options, cancellationToken) ?? [];
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                logger.LogDebug("Deployments of {Agent} not readable: {Error}", agent.Name, e.Message);
                continue;
            }

            // The latest deployment of each run: a run deployed again (by hand, or after a failure) shows its last attempt.
            var latest = deployments.GroupBy(d => d.Run, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.MaxBy(d => d.CreatedAt)!, StringComparer.Ordinal);
            foreach (var resource in resources)
            {
                if (latest.TryGetValue(resource.Run.RelativePath, out var deployment))
                {
                    await PublishAsync(resource, deployment, published);
                }
                else if (controllerEnded && published.TryAdd(resource.Name, DeploymentSnapshots.NotRun))
                {
                    await notifications.PublishUpdateAsync(resource, DeploymentSnapshots.NeverDeployed);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    private async Task PublishAsync(RunProcessResource resource, DeploymentStatus deployment, Dictionary<string, string> published)
    {
        // Only what the resource shows decides whether it changed: not the provisioning progress, say.
        var shown = JsonSerializer.Serialize(new { deployment.Id, deployment.State, deployment.Error, deployment.GatewayUrl, deployment.Replicas }, ContractJson.Options);
        if (published.TryGetValue(resource.Name, out var previous) && previous == shown)
        {
            return;
        }

        published[resource.Name] = shown;
        string? state = null;
        await notifications.PublishUpdateAsync(resource, snapshot =>
        {
            var next = DeploymentSnapshots.Apply(snapshot, resource, deployment);
            state = next.State?.Text;
            return next;
        });
        var log = resourceLogs.GetLogger(resource);
        if (deployment.State == DeploymentState.Failed)
        {
            log.LogError("Deployment {Deployment} of {Run} failed: {Error}", deployment.Id, deployment.Run, deployment.Error);
        }
        else
        {
            log.LogInformation("Deployment {Deployment} of {Run} ({Layout}): {State}", deployment.Id, deployment.Run, deployment.Layout, state);
        }
    }
}
