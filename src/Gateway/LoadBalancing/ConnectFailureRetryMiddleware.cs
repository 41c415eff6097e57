using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace GpuBench.Gateway.LoadBalancing;

/// <summary>
/// Sends a request on to another replica when the one picked refused the connection, as NGINX's
/// proxy_next_upstream does on connect errors. Only then, and only while the client's body is unread: nothing of the
/// request reached the replica, so it cannot run twice. Runs before load balancing, which picks again among the
/// replicas left.
/// </summary>
public sealed class ConnectFailureRetryMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var proxy = context.Features.Get<IReverseProxyFeature>()!;
        var candidates = proxy.AvailableDestinations;
        while (true)
        {
            await next(context);

            var failed = proxy.ProxiedDestination;
            if (failed is null || context.Response.HasStarted || BodyStarted(context)
                || !IsConnectFailure(context.Features.Get<IForwarderErrorFeature>()))
            {
                return;
            }

            candidates = candidates.Where(d => d != failed).ToArray();
            if (candidates.Count == 0)
            {
                return;
            }

            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.Clear();
            proxy.AvailableDestinations = candidates;
        }
    }

    // Kestrel makes the body size limit read-only as soon as the body starts being read.
    private static bool BodyStarted(HttpContext context) =>
        context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.IsReadOnly == true;

    private static bool IsConnectFailure(IForwarderErrorFeature? error) =>
        error is { Error: ForwarderError.Request, Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } };
}
