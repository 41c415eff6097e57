using GpuBench.Agent.Hosting;
using GpuBench.Agent.Runs;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Deployments;

/// <summary>
/// The controller's hold on what this agent runs: every authenticated call renews it (the controller renews it
/// explicitly during a long run, <c>PUT /lease</c>). When no call has come for <see cref="AgentOptions.Lease"/>
/// (the controller crashed, or declared the link lost and went on), the agent cancels its runs and tears its
/// deployments down, so no GPU of a rented box is held by an engine nobody will use.
/// </summary>
public sealed class ControllerLease(
    DeploymentManager deployments,
    RunManager runs,
    IOptions<AgentOptions> options,
    TimeProvider time,
    ILogger<ControllerLease> logger) : BackgroundService
{
    private long _renewedTicks = time.GetUtcNow().UtcTicks;

    public TimeSpan Duration => options.Value.Lease;

    public DateTimeOffset ExpiresAt => new DateTimeOffset(Interlocked.Read(ref _renewedTicks), TimeSpan.Zero) + Duration;

    public void Renew() => Interlocked.Exchange(ref _renewedTicks, time.GetUtcNow().UtcTicks);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Duration <= TimeSpan.Zero)
        {
            return;
        }

        var check = TimeSpan.FromTicks(Math.Clamp(Duration.Ticks / 10, TimeSpan.TicksPerMillisecond * 100, TimeSpan.TicksPerSecond * 10));
        using var timer = new PeriodicTimer(check, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (time.GetUtcNow() > ExpiresAt && HoldsAnything())
            {
                await ReleaseAsync(stoppingToken);
            }
        }
    }

    private bool HoldsAnything() =>
        runs.List().Any(id => runs.FindActive(id) is not null)
        || deployments.List().Any(d => d.State is Core.Contracts.DeploymentState.Starting or Core.Contracts.DeploymentState.Ready);

    private async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        logger.LogWarning("No call from the controller for {Lease}: the lease ran out, cancelling runs and tearing deployments down", Duration);
        foreach (var id in runs.List().Where(id => runs.FindActive(id) is not null))
        {
            await runs.DeleteAsync(id);
        }

        foreach (var deployment in deployments.List().Where(d => d.State is Core.Contracts.DeploymentState.Starting or Core.Contracts.DeploymentState.Ready))
        {
            await deployments.DeleteAsync(deployment.Id, cancellationToken);
        }
    }
}
