using System.Net;

namespace GpuBench.LoadGen.Http;

/// <summary>
/// The HTTP client that carries benchmark requests: thousands of concurrent HTTP/1.1 streams, nothing between
/// the socket and the SSE parser. No proxy, no decompression, no cookies, no redirects, no retries, no timeout
/// (each request is bounded by its own token), and no header propagation by the handler (the load generator
/// injects traceparent itself, from its own span).
/// </summary>
public static class LoadHttpClient
{
    public static SocketsHttpHandler CreateHandler() => new()
    {
        MaxConnectionsPerServer = int.MaxValue,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ActivityHeadersPropagator = null,
        EnableMultipleHttp2Connections = true,
    };

    public static HttpClient Create() => new(CreateHandler(), disposeHandler: true)
    {
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestVersion = HttpVersion.Version11,
    };
}
