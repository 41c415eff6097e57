using GpuBench.Agent.Inventory;

namespace GpuBench.Agent.Api;

/// <summary>/host: the box's GPUs and system info.</summary>
public static class HostApi
{
    public static IEndpointRouteBuilder MapHostApi(this IEndpointRouteBuilder routes)
    {
        var host = routes.MapGroup("/host").RequireAgentToken().WithTags("Host");
        host.MapGet("/inventory", async (GpuInventoryProvider inventory, CancellationToken cancellationToken) =>
        {
            try
            {
                return Results.Ok(await inventory.GetAsync(cancellationToken));
            }
            catch (Exception e) when (e is GpuInventoryException or TimeoutException)
            {
                return Unavailable(e);
            }
        });
        host.MapGet("/system-info", async (SystemInfoCollector collector, CancellationToken cancellationToken) =>
        {
            try
            {
                return Results.Ok(await collector.CollectAsync(cancellationToken));
            }
            catch (Exception e) when (e is GpuInventoryException or TimeoutException)
            {
                return Unavailable(e);
            }
        });
        return routes;
    }

    /// <summary>503 with the reason: the GPUs of this box cannot be read now.</summary>
    public static IResult Unavailable(Exception e) =>
        Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The box's GPUs cannot be read.", detail: e.Message);
}
