using System.Net;

namespace GpuBench.Provisioning.Hub;

/// <summary>The HTTP handler provisioning needs underneath its <see cref="HttpClient"/>.</summary>
public static class HubHttp
{
    /// <summary>
    /// Redirects off (HubClient follows them itself, to keep the token on the endpoint's origin) and no
    /// decompression (byte counts and ranges must be the file's own bytes).
    /// </summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };
}
