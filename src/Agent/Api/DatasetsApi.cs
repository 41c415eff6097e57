using GpuBench.Agent.Datasets;
using Microsoft.AspNetCore.Http.Features;

namespace GpuBench.Agent.Api;

/// <summary>
/// /datasets/{sha256}: HEAD says whether the box holds that dataset file; PUT ships it (the body is the file, checked
/// against the hash). Runs name their dataset by hash.
/// </summary>
public static class DatasetsApi
{
    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder routes)
    {
        var datasets = routes.MapGroup("/datasets").RequireAgentToken().WithTags("Datasets");

        datasets.MapMethods("/{sha256}", [HttpMethods.Head], (string sha256, DatasetStore store) =>
            store.Find(sha256) is null ? Results.NotFound() : Results.Ok());

        datasets.MapPut("/{sha256}", async (string sha256, HttpContext http, DatasetStore store, CancellationToken cancellationToken) =>
        {
            if (!DatasetStore.IsHash(sha256))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a sha256.",
                    detail: "Name the dataset by its content's sha256: 64 lower-case hex digits.");
            }

            // Datasets such as ShareGPT's are hundreds of MB: past Kestrel's default body limit.
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = null;
            }

            return await store.SaveAsync(sha256, http.Request.Body, cancellationToken)
                ? Results.NoContent()
                : Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The content does not match its sha256.");
        });

        return routes;
    }
}
