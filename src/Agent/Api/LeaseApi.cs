using GpuBench.Agent.Deployments;

namespace GpuBench.Agent.Api;

/// <summary>/lease: the controller renews its hold on this agent's runs and deployments (any authenticated call does).</summary>
public static class LeaseApi
{
    public static IEndpointRouteBuilder MapLeaseApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/lease").RequireAgentToken().WithTags("Lease")
            .MapPut("/", (ControllerLease lease) => Results.Ok(new { leaseSeconds = lease.Duration.TotalSeconds, expiresAt = lease.ExpiresAt }));
        return routes;
    }
}
