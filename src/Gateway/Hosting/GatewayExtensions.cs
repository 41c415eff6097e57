using System.Net;
using GpuBench.Gateway.Admin;
using GpuBench.Gateway.Configuration;
using GpuBench.Gateway.EngineLoad;
using GpuBench.Gateway.Health;
using GpuBench.Gateway.Listeners;
using GpuBench.Gateway.LoadBalancing;
using GpuBench.Gateway.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace GpuBench.Gateway.Hosting;

/// <summary>Registers and maps the gateway: listeners, YARP over the replica set, admin API, telemetry.</summary>
public static class GatewayExtensions
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(GatewayOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();

        services.AddSingleton<GatewayListeners>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, ListenerMatcherPolicy>());
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
            kestrel.ApplicationServices.GetRequiredService<GatewayListeners>()
                .Configure(kestrel, IPAddress.Parse(options.Address), options.Port, options.Admin.Port);
        });

        services.AddOptions<SocketTransportOptions>().Configure<IOptions<GatewayOptions>>(
            (sockets, gateway) => sockets.UnsafePreferInlineScheduling = gateway.Value.InlineScheduling);

        services.AddSingleton<ReplicaSet>();
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<ReplicaSet>());
        services.AddReverseProxy();
        services.AddSingleton<LeastRequestsPolicy>();
        services.AddSingleton<ILoadBalancingPolicy>(sp => sp.GetRequiredService<LeastRequestsPolicy>());
        services.AddSingleton<ReplicaLoads>();
        services.AddSingleton<ILoadBalancingPolicy, QueueAwarePolicy>();
        services.AddSingleton<EngineMetricsScraper>();
        services.AddHostedService(sp => sp.GetRequiredService<EngineMetricsScraper>());
        services.AddSingleton<IPassiveHealthCheckPolicy, FirstFailurePolicy>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GatewayMetrics>();
        services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(GatewayMetrics.MeterName))
            .WithTracing(tracing => tracing.AddSource(GatewayMetrics.YarpActivitySourceName));
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.MapAdminApi();
        app.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<ForwardingMetricsMiddleware>();
            proxy.UseSessionAffinity();
            proxy.UseMiddleware<ConnectFailureRetryMiddleware>();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }
}
