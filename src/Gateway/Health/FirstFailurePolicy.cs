using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace GpuBench.Gateway.Health;

/// <summary>
/// Passive health: one transport failure on the replica's side takes it out for the reactivation period, like
/// NGINX's default max_fails=1. YARP's TransportFailureRate policy waits for ten requests in a minute, which lets a
/// dead replica keep receiving new streams long after it died.
/// </summary>
public sealed class FirstFailurePolicy(IDestinationHealthUpdater healthUpdater) : IPassiveHealthCheckPolicy
{
    public const string PolicyName = "GpuBench.FirstFailure";

    public string Name => PolicyName;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        var error = context.Features.Get<IForwarderErrorFeature>()?.Error ?? ForwarderError.None;
        if (IsReplicaFailure(error))
        {
            var reactivation = cluster.Model.Config.HealthCheck?.Passive?.ReactivationPeriod ?? TimeSpan.FromSeconds(10);
            healthUpdater.SetPassive(cluster, destination, DestinationHealth.Unhealthy, reactivation);
        }
    }

    /// <summary>Failures the replica caused; a client that hangs up or a cancelled request says nothing about it.</summary>
    public static bool IsReplicaFailure(ForwarderError error) => error is ForwarderError.Request
        or ForwarderError.RequestTimedOut
        or ForwarderError.RequestBodyDestination
        or ForwarderError.ResponseBodyDestination
        or ForwarderError.UpgradeRequestDestination
        or ForwarderError.UpgradeResponseDestination;
}
