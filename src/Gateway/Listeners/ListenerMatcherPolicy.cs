using Microsoft.AspNetCore.Routing.Matching;
using Yarp.ReverseProxy.Model;

namespace GpuBench.Gateway.Listeners;

/// <summary>
/// Keeps the two listeners apart: the public listener serves only proxied routes, the admin listener everything
/// else (admin API, the gateway's own /health and /alive). So /health on the public port is the replicas' health,
/// and nothing but the allowed paths ever reaches a replica.
/// </summary>
public sealed class ListenerMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Count > 0;

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var admin = GatewayListeners.IsAdminConnection(httpContext);
        for (var i = 0; i < candidates.Count; i++)
        {
            var proxied = candidates[i].Endpoint?.Metadata.GetMetadata<RouteModel>() is not null;
            if (proxied == admin)
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }
}
