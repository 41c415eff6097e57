using GpuBench.Agent.Inventory;

namespace GpuBench.Agent.Api;

/// <summary>/host: the box's GPUs and system info.</summary>
public static class HostApi
{
    public static IEndpointRouteBuilder MapHostApi(this IEndpointRouteBuilder routes)
    {
        var host = routes.MapGroup("/host").RequireAgentToken().WithTags("Host");
        host.MapGet("/inventory", (GpuInventoryProvider inventory, CancellationToken cancellationToken) =>
            inventory.GetAsync(cancellationToken));
        host.MapGet("/system-info", (SystemInfoCollector collector, CancellationToken cancellationToken) =>
            collector.CollectAsync(cancellationToken));
        return routes;
    }
}
