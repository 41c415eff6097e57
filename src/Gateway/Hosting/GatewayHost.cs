using GpuBench.ServiceDefaults;

namespace GpuBench.Gateway.Hosting;

/// <summary>Builds the gateway application; Program.cs, the tests and the overhead benchmark all start it here.</summary>
public static class GatewayHost
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        builder.AddGateway();
        configure?.Invoke(builder);

        var app = builder.Build();
        // Served on the admin listener only (see ListenerMatcherPolicy): /health on the public port is the replicas'.
        app.MapDefaultEndpoints();
        app.MapGateway();
        return app;
    }
}
