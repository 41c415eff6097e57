using GpuBench.Gateway.Configuration;
using GpuBench.Gateway.LoadBalancing;
using Yarp.ReverseProxy;

namespace GpuBench.Gateway.Admin;

/// <summary>The admin API the agent calls to set a deployment's replicas; documented in src/Gateway/README.md.</summary>
public static partial class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/admin").AddEndpointFilter<BearerTokenFilter>();
        admin.MapGet("/replicas", Status);
        admin.MapPut("/replicas", ReplaceReplicas);
        admin.MapPut("/policy", ChangePolicy);
        return admin;
    }

    private static GatewayStatus Status(ReplicaSet replicas, IProxyStateLookup state)
    {
        if (!state.TryGetCluster(ProxyConfigFactory.ClusterId, out var cluster))
        {
            return new GatewayStatus(replicas.Deployment, replicas.Policy, []);
        }

        var available = cluster.DestinationsState.AvailableDestinations;
        var list = cluster.Destinations.Values
            .Select(d => new ReplicaStatus(
                d.Model.Config.Address,
                d.ConcurrentRequestCount,
                d.Health.Active.ToString(),
                d.Health.Passive.ToString(),
                available.Contains(d)))
            .OrderBy(r => r.Address, StringComparer.Ordinal)
            .ToArray();
        return new GatewayStatus(replicas.Deployment, replicas.Policy, list);
    }

    private static IResult ReplaceReplicas(string[] addresses, ReplicaSet replicas, IProxyStateLookup state, ILoggerFactory loggers)
    {
        if (!ReplicaAddresses.TryParse(addresses, out var parsed, out var error))
        {
            return Results.Problem(error, statusCode: StatusCodes.Status400BadRequest);
        }

        replicas.Replace(parsed);
        LogReplaced(loggers.CreateLogger(typeof(AdminApi)), replicas.Deployment, string.Join(", ", parsed.Select(u => u.AbsoluteUri)));
        return Results.Ok(Status(replicas, state));
    }

    private static IResult ChangePolicy(PolicyChange change, ReplicaSet replicas, IProxyStateLookup state, ILoggerFactory loggers)
    {
        if (!BalancingPolicies.IsKnown(change.Policy))
        {
            return Results.Problem(
                $"policy '{change.Policy}' is not one of {string.Join(", ", BalancingPolicies.Names)}",
                statusCode: StatusCodes.Status400BadRequest);
        }

        replicas.SetPolicy(change.Policy);
        LogPolicy(loggers.CreateLogger(typeof(AdminApi)), replicas.Deployment, change.Policy);
        return Results.Ok(Status(replicas, state));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deployment {Deployment}: replicas set to [{Replicas}]")]
    private static partial void LogReplaced(ILogger logger, string deployment, string replicas);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deployment {Deployment}: load-balancing policy set to {Policy}")]
    private static partial void LogPolicy(ILogger logger, string deployment, string policy);
}
