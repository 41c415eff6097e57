using System.Text.Json;
using GpuBench.Agent.Deployments;
using GpuBench.Agent.Runs;
using GpuBench.Core.Contracts;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Api;

/// <summary>
/// /runs: start a load against a ready deployment, follow it as NDJSON, fetch the result, acknowledge it.
/// A result stays on the box until DELETE /runs/{id}.
/// </summary>
public static class RunsApi
{
    public const string NdjsonContentType = "application/x-ndjson";

    /// <summary>How often a progress feed without news sends an empty line.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder routes)
    {
        var runs = routes.MapGroup("/runs").RequireAgentToken().WithTags("Runs");

        runs.MapPost("/", (RunRequest request, RunManager manager) =>
        {
            try
            {
                var runId = manager.Start(request);
                return Results.Accepted($"/runs/{runId}", new { runId });
            }
            catch (KeyNotFoundException e)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such deployment.", detail: e.Message);
            }
            catch (DeploymentConflictException e)
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The deployment is not ready.", detail: e.Message);
            }
        });

        runs.MapGet("/", (RunManager manager) => manager.List());

        runs.MapGet("/{id}", async (string id, RunManager manager, CancellationToken cancellationToken) =>
        {
            if (!IsRunId(id))
            {
                return Results.NotFound();
            }

            // The result first: it is kept before the feed's final event, so a reader who saw that event gets it.
            if (await manager.GetResultAsync(id, cancellationToken) is { } result)
            {
                return Results.Ok(result);
            }

            // Still running: 202 with the latest counters; the result comes once it ends.
            return manager.FindActive(id) is { } active ? Results.Accepted($"/runs/{id}", active.Progress.Latest) : Results.NotFound();
        });

        runs.MapGet("/{id}/progress", async (string id, HttpContext http, RunManager manager, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
        {
            if (!IsRunId(id) || manager.FindActive(id) is not { } active)
            {
                // A finished run has no live feed: its result says how it ended.
                http.Response.StatusCode = IsRunId(id) && await manager.GetResultAsync(id, cancellationToken) is not null
                    ? StatusCodes.Status410Gone
                    : StatusCodes.Status404NotFound;
                return;
            }

            http.Response.ContentType = NdjsonContentType;
            await foreach (var progress in active.Progress.ReadAllAsync(Heartbeat, cancellationToken))
            {
                // A quiet run still sends an empty line now and then: the reader's idle timeout tells a dead link.
                if (progress is not null)
                {
                    await JsonSerializer.SerializeAsync(http.Response.Body, progress, json.Value.SerializerOptions, cancellationToken);
                }

                await http.Response.Body.WriteAsync("\n"u8.ToArray(), cancellationToken);
                await http.Response.Body.FlushAsync(cancellationToken);
            }
        });

        runs.MapGet("/{id}/requests", (string id, RunStore store) =>
            IsRunId(id) && store.FindRequests(id) is { } path
                ? Results.File(path, NdjsonContentType)
                : Results.NotFound());

        runs.MapDelete("/{id}", async (string id, RunManager manager) =>
            IsRunId(id) && await manager.DeleteAsync(id) ? Results.NoContent() : Results.NotFound());

        return routes;
    }

    private static bool IsRunId(string id) => id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit);
}
