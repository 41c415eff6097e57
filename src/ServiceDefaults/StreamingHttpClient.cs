using Microsoft.Extensions.DependencyInjection;

namespace GpuBench.ServiceDefaults;

/// <summary>
/// HTTP clients that carry inference requests. A streamed completion can legitimately take many minutes and
/// must never be sent twice (a retry would double the load and corrupt the measurement), so these clients
/// have no resilience handler and no client-side timeout; callers bound each request with their own token.
/// Libraries that must not depend on ServiceDefaults (Provisioning) compile this file in as an internal copy
/// (GPUBENCH_PROVISIONING).
/// </summary>
#if GPUBENCH_PROVISIONING
internal
#else
public
#endif
static class StreamingHttpClient
{
    public static IHttpClientBuilder AddStreamingHttpClient(this IServiceCollection services, string name)
    {
        var builder = services.AddHttpClient(name);
        // Experimental API, but the one that undoes ConfigureHttpClientDefaults' resilience handler for one client.
#pragma warning disable EXTEXP0001
        builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        return builder;
    }
}
