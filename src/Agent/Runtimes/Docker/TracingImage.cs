using System.Formats.Tar;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using GpuBench.Core.Runtime;

namespace GpuBench.Agent.Runtimes.Docker;

/// <summary>
/// Makes a vLLM image able to export traces. The vllm/vllm-openai images ship without the OpenTelemetry packages,
/// and vLLM refuses to start with --otlp-traces-endpoint then. An image that has them is used as it is; otherwise an
/// image is built on the box from it with the pinned packages added (`pip install`), once per base image: it is
/// tagged by the base's id and labelled with it, and found again by the next deployment. Where the packages are
/// missing and the build fails (no network on the box, no pip), the deployment starts without tracing and says so.
/// </summary>
public sealed class TracingImage(DockerClient client, TimeSpan buildTimeout, ILogger logger)
{
    public const string Repository = "gpubench/vllm-otel";

    /// <summary>The label of a built image naming the image id it was built from.</summary>
    public const string BaseLabel = "gpubench.otel.base";

    private static readonly TimeSpan CheckTimeout = TimeSpan.FromMinutes(2);

    public async Task<EnginePreparation> PrepareAsync(string image, CancellationToken cancellationToken)
    {
        var baseId = (await client.Images.InspectImageAsync(image, cancellationToken)).ID;
        var tag = $"{Repository}:{baseId.Replace("sha256:", "", StringComparison.Ordinal)[..16]}";
        if (await BuiltFromAsync(tag, baseId, cancellationToken) is { } cached)
        {
            return new EnginePreparation(tag, true, $"{tag}@{cached}", null);
        }

        if (await HasPackagesAsync(image, cancellationToken))
        {
            return EnginePreparation.Unchanged;
        }

        logger.LogInformation("{Image} lacks the OpenTelemetry packages; building {Tag} with them", image, tag);
        var failure = await BuildAsync(image, baseId, tag, cancellationToken);
        if (failure is null && !await HasPackagesAsync(tag, cancellationToken))
        {
            failure = $"{tag} was built but still cannot import them";
        }

        if (failure is not null)
        {
            return new EnginePreparation(null, false, null, OpenTelemetryCheck.TracingOff(image, $"adding them failed: {failure}"));
        }

        var built = await client.Images.InspectImageAsync(tag, cancellationToken);
        return new EnginePreparation(tag, true, $"{tag}@{built.ID}", null);
    }

    /// <summary>The id of <paramref name="tag"/> when it exists and was built from <paramref name="baseId"/>.</summary>
    private async Task<string?> BuiltFromAsync(string tag, string baseId, CancellationToken cancellationToken)
    {
        try
        {
            var derived = await client.Images.InspectImageAsync(tag, cancellationToken);
            return derived.Config?.Labels is { } labels && labels.TryGetValue(BaseLabel, out var from) && from == baseId ? derived.ID : null;
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Runs the import check in a throwaway container of <paramref name="image"/>, without network.</summary>
    private async Task<bool> HasPackagesAsync(string image, CancellationToken cancellationToken)
    {
        var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Entrypoint = ["python3", .. OpenTelemetryCheck.PythonArguments],
            Cmd = [],
            Labels = new Dictionary<string, string>
            {
                [DeploymentLabels.Managed] = "true",
                [DeploymentLabels.Agent] = ProcessIdentity.Current.ToString(),
            },
            HostConfig = new HostConfig { NetworkMode = "none" },
        }, cancellationToken);
        try
        {
            await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CheckTimeout);
            var exit = await client.Containers.WaitContainerAsync(created.ID, timeout.Token);
            return exit.StatusCode == 0;
        }
        catch (DockerApiException e)
        {
            // No python3 in the image at all: the container cannot even start.
            logger.LogInformation("OpenTelemetry check in {Image} could not run: {Error}", image, e.ResponseBody?.Trim());
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            await client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }
    }

    /// <summary>Builds <paramref name="tag"/> from <paramref name="image"/> with the packages; null on success, else the daemon's error.</summary>
    private async Task<string?> BuildAsync(string image, string baseId, string tag, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var progress = new InlineProgress<JSONMessage>(m =>
        {
            if (m.Error?.Message is { Length: > 0 } error)
            {
                errors.Add(error);
            }
        });
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(buildTimeout);
        try
        {
            using var context = BuildContext(image);
            await client.Images.BuildImageFromDockerfileAsync(new ImageBuildParameters
            {
                Tags = [tag],
                Labels = new Dictionary<string, string> { [BaseLabel] = baseId },
                Dockerfile = "Dockerfile",
                Remove = true,
                ForceRemove = true,
            }, context, [], new Dictionary<string, string>(), progress, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"the build took longer than {buildTimeout}";
        }
        catch (DockerApiException e)
        {
            return e.ResponseBody?.Trim() ?? e.Message;
        }

        return errors.Count > 0 ? string.Join(" ", errors).Trim() : null;
    }

    /// <summary>A build context holding only the Dockerfile.</summary>
    private static MemoryStream BuildContext(string image)
    {
        var requirements = string.Join(' ', OpenTelemetryCheck.Requirements.Select(r => $"'{r}'"));
        var dockerfile = $"""
            FROM {image}
            RUN python3 -m pip install --no-cache-dir --retries 1 --timeout 20 {requirements}

            """;
        var stream = new MemoryStream();
        using (var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "Dockerfile")
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(dockerfile)),
            });
        }

        stream.Position = 0;
        return stream;
    }
}
