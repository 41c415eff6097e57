using GpuBench.Gateway.Health;
using GpuBench.Gateway.LoadBalancing;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;

namespace GpuBench.Gateway.Configuration;

/// <summary>Turns the gateway's settings and its current replicas into YARP routes and one cluster.</summary>
public static class ProxyConfigFactory
{
    public const string ClusterId = "replicas";

    /// <summary>The only paths proxied: the OpenAI API, vLLM's tokenizer endpoints and the engine's health.</summary>
    public static IReadOnlyList<string> ProxiedPaths { get; } = ["/v1/{**rest}", "/tokenize", "/detokenize", "/health"];

    public static IReadOnlyList<RouteConfig> Routes { get; } = ProxiedPaths
        .Select(path => new RouteConfig
        {
            RouteId = path.Split('/', StringSplitOptions.RemoveEmptyEntries)[0],
            ClusterId = ClusterId,
            Match = new RouteMatch { Path = path },
        })
        .ToArray();

    public static ClusterConfig Cluster(GatewayOptions options, IReadOnlyList<Uri> replicas, string policy) => new()
    {
        ClusterId = ClusterId,
        LoadBalancingPolicy = BalancingPolicies.YarpName(policy),
        // The destination id is the address itself, so a replica kept across an update keeps its in-flight count
        // and health.
        Destinations = replicas.ToDictionary(
            replica => replica.AbsoluteUri,
            replica => new DestinationConfig { Address = replica.AbsoluteUri },
            StringComparer.Ordinal),
        HttpRequest = new ForwarderRequestConfig
        {
            ActivityTimeout = options.ActivityTimeout,
            // SSE must reach the client chunk by chunk; vLLM speaks HTTP/1.1.
            AllowResponseBuffering = false,
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        },
        HealthCheck = new HealthCheckConfig
        {
            // When every replica looks unhealthy, try them all rather than refuse everything (NGINX does the same):
            // a health probe that timed out under heavy load must not turn a whole benchmark run into 503s.
            AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyOrPanic,
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = options.HealthCheck.Interval,
                Timeout = options.HealthCheck.Timeout,
                Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                Path = options.HealthCheck.Path,
            },
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = true,
                Policy = FirstFailurePolicy.PolicyName,
                ReactivationPeriod = options.HealthCheck.ReactivationPeriod,
            },
        },
    };
}
