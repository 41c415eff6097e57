using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace GpuBench.Gateway.Telemetry;

/// <summary>First step of the proxy pipeline: records which replica served the request, how, and how long it took.</summary>
public sealed class ForwardingMetricsMiddleware(RequestDelegate next, GatewayMetrics metrics, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var replica = context.Features.Get<IReverseProxyFeature>()?.ProxiedDestination?.Model.Config.Address;
            if (replica is not null)
            {
                var error = context.Features.Get<IForwarderErrorFeature>()?.Error;
                metrics.RequestForwarded(replica, context.Response.StatusCode,
                    error is null or ForwarderError.None ? null : error.ToString(), time.GetElapsedTime(started));
            }
        }
    }
}
