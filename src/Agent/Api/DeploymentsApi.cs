using GpuBench.Agent.Deployments;
using GpuBench.Agent.Inventory;
using GpuBench.Agent.Runtimes;
using GpuBench.Core.Contracts;

namespace GpuBench.Agent.Api;

/// <summary>/deployments: start a planned layout, watch it come up, read its logs, tear it down.</summary>
public static class DeploymentsApi
{
    public static IEndpointRouteBuilder MapDeploymentsApi(this IEndpointRouteBuilder routes)
    {
        var deployments = routes.MapGroup("/deployments").RequireAgentToken().WithTags("Deployments");

        deployments.MapPost("/", async (DeploymentRequest request, DeploymentManager manager, CancellationToken cancellationToken) =>
        {
            try
            {
                var status = await manager.CreateAsync(request, cancellationToken);
                return Results.Accepted($"/deployments/{status.Id}", status);
            }
            catch (DeploymentPlanException e)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The layout does not fit this box.", detail: e.Message);
            }
            catch (Exception e) when (e is GpuInventoryException or TimeoutException)
            {
                return HostApi.Unavailable(e);
            }
            catch (DeploymentRejectedException e)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "This agent does not allow the deployment.", detail: e.Message);
            }
            catch (DeploymentConflictException e)
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "GPUs in use.", detail: e.Message);
            }
        });

        deployments.MapGet("/", (DeploymentManager manager) => manager.List());

        deployments.MapGet("/{id}", (string id, DeploymentManager manager) =>
            manager.Find(id) is { } deployment ? Results.Ok(deployment.Status()) : Results.NotFound());

        deployments.MapGet("/{id}/logs", async (string id, int? replica, int? lines, DeploymentManager manager, CancellationToken cancellationToken) =>
            await manager.GetLogAsync(id, replica, Math.Clamp(lines ?? 200, 1, 100_000), cancellationToken) is { } log
                ? Results.Text(log)
                : Results.NotFound());

        deployments.MapDelete("/{id}", async (string id, DeploymentManager manager, CancellationToken cancellationToken) =>
            await manager.DeleteAsync(id, cancellationToken) ? Results.Ok(manager.Find(id)!.Status()) : Results.NotFound());

        return routes;
    }
}
