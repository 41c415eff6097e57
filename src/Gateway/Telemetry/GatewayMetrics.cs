using System.Diagnostics;
using System.Diagnostics.Metrics;
using GpuBench.Gateway.Configuration;
using Yarp.ReverseProxy;

namespace GpuBench.Gateway.Telemetry;

/// <summary>Per-replica request counts, latency and in-flight requests, on the meter "GpuBench.Gateway".</summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "GpuBench.Gateway";

    /// <summary>YARP's own activity source; its "proxy.forwarder" span sits between the client's and the engine's.</summary>
    public const string YarpActivitySourceName = "Yarp.ReverseProxy";

    public const string ReplicaTag = "gpubench.replica";
    public const string DeploymentTag = "gpubench.deployment";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly string _deployment;

    public GatewayMetrics(IMeterFactory meters, ReplicaSet replicas, IProxyStateLookup state)
    {
        _deployment = replicas.Deployment;
        var meter = meters.Create(MeterName);
        _requests = meter.CreateCounter<long>("gpubench.gateway.requests", "{request}",
            "Requests forwarded, by replica and status code.");
        _duration = meter.CreateHistogram<double>("gpubench.gateway.request.duration", "s",
            "Time from the request's arrival to the end of its response stream, by replica.");
        meter.CreateObservableUpDownCounter("gpubench.gateway.requests.in_flight", () => InFlight(state), "{request}",
            "Requests in flight per replica, open streams included.");
    }

    public void RequestForwarded(string replica, int statusCode, string? error, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { DeploymentTag, _deployment },
            { ReplicaTag, replica },
            { "http.response.status_code", statusCode },
        };
        if (error is not null)
        {
            tags.Add("error.type", error);
        }

        _requests.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(DeploymentTag, _deployment),
            new KeyValuePair<string, object?>(ReplicaTag, replica));
    }

    private IEnumerable<Measurement<int>> InFlight(IProxyStateLookup state)
    {
        if (!state.TryGetCluster(ProxyConfigFactory.ClusterId, out var cluster))
        {
            yield break;
        }

        foreach (var destination in cluster.Destinations.Values)
        {
            yield return new Measurement<int>(destination.ConcurrentRequestCount,
                new KeyValuePair<string, object?>(DeploymentTag, _deployment),
                new KeyValuePair<string, object?>(ReplicaTag, destination.Model.Config.Address));
        }
    }
}
