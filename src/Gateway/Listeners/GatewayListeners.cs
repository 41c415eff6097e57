using System.Net;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace GpuBench.Gateway.Listeners;

/// <summary>
/// The two Kestrel listeners: the public one that proxies, and the admin one on 127.0.0.1. Connections accepted by
/// the admin listener carry a marker, so routing can tell them apart without trusting the Host header.
/// </summary>
public sealed class GatewayListeners
{
    private static readonly object AdminMarker = new();

    private ListenOptions? _public;
    private ListenOptions? _admin;

    /// <summary>Where the proxy listens; after start this holds the port actually bound.</summary>
    public IPEndPoint PublicEndPoint => _public?.IPEndPoint ?? throw NotConfigured();

    /// <summary>Where the admin API listens; always a loopback address.</summary>
    public IPEndPoint AdminEndPoint => _admin?.IPEndPoint ?? throw NotConfigured();

    public static bool IsAdminConnection(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(AdminMarker, out _) == true;

    internal void Configure(KestrelServerOptions kestrel, IPAddress publicAddress, int publicPort, int adminPort)
    {
        kestrel.AddServerHeader = false;
        kestrel.Listen(publicAddress, publicPort, listen => _public = listen);
        kestrel.Listen(IPAddress.Loopback, adminPort, listen =>
        {
            _admin = listen;
            listen.Use(next => connection =>
            {
                connection.Items[AdminMarker] = AdminMarker;
                return next(connection);
            });
        });
    }

    private static InvalidOperationException NotConfigured() =>
        new("The gateway's listeners are configured when Kestrel starts.");
}
