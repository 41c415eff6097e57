using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using GpuBench.Agent.Hosting;
using GpuBench.Agent.Inventory;
using GpuBench.Agent.Processes;
using GpuBench.Agent.Telemetry;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Runtime;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Runtimes.Docker;

/// <summary>
/// Replicas as containers through the Docker Engine API: GPU device requests, ipc host, shm, the model cache, the
/// box's network with the engine on 127.0.0.1, the agent's telemetry settings and GpuBench labels. Only containers
/// labelled <see cref="DeploymentLabels.Managed"/> are ever removed, and at start only those whose agent is gone.
/// </summary>
public sealed class DockerRuntime(IOptions<AgentOptions> options, ChildTelemetry telemetry, TimeProvider time, ILogger<DockerRuntime> logger) : IEngineRuntime, IContainerEngineInfo, IDisposable
{
    private readonly Lazy<DockerClient> _client = new(() =>
        new DockerClientBuilder().WithEndpoint(new Uri(options.Value.DockerEndpoint)).Build());

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SecretRedactor> _redactors = new();

    public RuntimeKind Kind => RuntimeKind.Docker;

    private DockerClient Client => _client.Value;

    /// <summary>
    /// Pulls the image when the box lacks it, then, when vLLM is to export traces, makes sure the image it runs can
    /// (<see cref="TracingImage"/>): the image itself, one built from it with OpenTelemetry, or none and a warning.
    /// </summary>
    public async Task<EnginePreparation> PrepareAsync(DeploymentPlan plan, Action<ProvisioningTransfer> pullProgress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var settings = plan.Request.Engine.Settings;
        await EnsureImageAsync(settings.Image, pullProgress, cancellationToken);
        return settings.Kind == EngineKind.Vllm && telemetry.WantsEngineTracing(settings.Kind)
            ? await new TracingImage(Client, options.Value.ImageBuildTimeout, logger).PrepareAsync(settings.Image, cancellationToken)
            : EnginePreparation.Unchanged;
    }

    public async Task<ReplicaHandle> StartAsync(DeploymentPlan plan, ReplicaSpec replica, CancellationToken cancellationToken)
    {
        await EnsureImageAsync(replica.Image, _ => { }, cancellationToken);
        var launch = telemetry.Apply(plan, replica);
        var owned = launch.Replica with
        {
            Labels = new Dictionary<string, string>(launch.Replica.Labels) { [DeploymentLabels.Agent] = ProcessIdentity.Current.ToString() },
        };
        var created = await Client.Containers.CreateContainerAsync(DockerContainerFactory.Create(owned, launch.Secrets), cancellationToken);
        _redactors[created.ID] = new SecretRedactor(launch.Secrets.Values);
        var handle = new ReplicaHandle(replica.Index, created.ID, DeploymentPaths.ReplicaLog(options.Value, plan.Id, replica.Index));
        try
        {
            await Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
        }
        catch (DockerApiException e)
        {
            await StopAsync(handle, CancellationToken.None);
            throw new InvalidOperationException($"Docker could not start {replica.Name}: {e.ResponseBody?.Trim()}", e);
        }

        return handle;
    }

    public async Task<ReplicaExit?> GetExitAsync(ReplicaHandle handle, CancellationToken cancellationToken)
    {
        ContainerInspectResponse inspect;
        try
        {
            inspect = await Client.Containers.InspectContainerAsync(handle.RuntimeId, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            return new ReplicaExit(-1, "the container is gone");
        }

        var state = inspect.State ?? new State { Status = "created" };
        if (state.Running || state.Restarting || state.Status is "created")
        {
            return null;
        }

        var reason = state.OOMKilled
            ? "the container was killed for using too much memory (OOM)"
            : string.IsNullOrEmpty(state.Error) ? $"the container exited with code {state.ExitCode}" : state.Error;
        return new ReplicaExit((int)state.ExitCode, reason);
    }

    public async Task<string> GetLogTailAsync(ReplicaHandle handle, int lines, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadLogsAsync(handle, lines.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            return await LogTail.ReadAsync(handle.LogPath, lines, cancellationToken);
        }
    }

    public async Task StopAsync(ReplicaHandle handle, CancellationToken cancellationToken)
    {
        try
        {
            // SIGTERM first, so vLLM stops its workers and frees its shared memory in /dev/shm (the container shares
            // the host's IPC namespace); docker kills it once the grace period is over.
            await Client.Containers.StopContainerAsync(handle.RuntimeId,
                new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Ceiling(options.Value.StopGracePeriod.TotalSeconds) }, cancellationToken);

            // Keep the whole log, the shutdown included, for the results before the container goes.
            var log = await ReadLogsAsync(handle, "all", cancellationToken);
            Directory.CreateDirectory(Path.GetDirectoryName(handle.LogPath)!);
            await File.WriteAllTextAsync(handle.LogPath, log, cancellationToken);
            await Client.Containers.RemoveContainerAsync(handle.RuntimeId, new ContainerRemoveParameters { Force = true }, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            // Already gone: stopping is idempotent.
        }

        _redactors.TryRemove(handle.RuntimeId, out _);
    }

    public async Task<int> RemoveLeftoversAsync(CancellationToken cancellationToken)
    {
        if (!await IsAvailableAsync(cancellationToken))
        {
            return 0;
        }

        var ours = await Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{DeploymentLabels.Managed}=true"] = true },
            },
        }, cancellationToken);
        var left = ours.Where(IsLeftover).ToList();
        foreach (var container in left)
        {
            logger.LogWarning("Removing container {Name} ({Id}) left by an earlier agent (deployment {Deployment})",
                container.Names.FirstOrDefault(), container.ID[..12], container.Labels.TryGetValue(DeploymentLabels.Deployment, out var d) ? d : "?");
            try
            {
                await Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, cancellationToken);
            }
            catch (DockerContainerNotFoundException)
            {
                // Removed meanwhile.
            }
        }

        return left.Count;
    }

    /// <summary>
    /// Whether a GpuBench container was left by an agent that is gone: another agent on this box (a second
    /// controller's, a test's) may be serving with its own right now. One without a readable owner is an older
    /// agent's, and left.
    /// </summary>
    public static bool IsLeftover(ContainerListResponse container)
    {
        ArgumentNullException.ThrowIfNull(container);
        return container.Labels is null
            || !container.Labels.TryGetValue(DeploymentLabels.Agent, out var label)
            || ProcessIdentity.Parse(label) is not { } owner
            || (owner != ProcessIdentity.Current && owner.IsGoneFromThisMachine());
    }

    public async Task<EngineIdentity> IdentifyAsync(DeploymentPlan plan, CancellationToken cancellationToken)
    {
        var image = await Client.Images.InspectImageAsync(plan.Request.Engine.Settings.Image, cancellationToken);
        // A pulled image has a registry digest; a locally built one only its content id.
        var digest = image.RepoDigests?.FirstOrDefault() ?? image.ID;
        return new EngineIdentity("docker", plan.Request.Engine.Settings.Image, digest, Version: null,
            Simulated: plan.Request.Engine.Settings.Kind == EngineKind.Sim);
    }

    public async Task<string?> GetVersionAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await Client.System.GetVersionAsync(cancellationToken)).Version;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or DockerApiException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return null;
        }
    }

    public async Task<bool> IsAvailableAsync(CancellationToken cancellationToken) => await GetVersionAsync(cancellationToken) is not null;

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    /// <summary>
    /// Pulls <paramref name="image"/> unless the box has it, reporting bytes as they arrive. The daemon reports a
    /// failed pull (unknown name, rate limit, full disk) as a message in the stream, not as a failed call: its text
    /// fails the deployment here, at once, rather than later as "No such image". Gives up after ImagePullTimeout.
    /// </summary>
    private async Task EnsureImageAsync(string image, Action<ProvisioningTransfer> report, CancellationToken cancellationToken)
    {
        try
        {
            await Client.Images.InspectImageAsync(image, cancellationToken);
            return;
        }
        catch (DockerImageNotFoundException)
        {
            logger.LogInformation("Pulling {Image}", image);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            logger.LogInformation("Pulling {Image}", image);
        }

        var (repository, tag) = SplitImage(image);
        var progress = new ImagePullProgress(time, report);
        var timeout = options.Value.ImagePullTimeout;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await Client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = repository, Tag = tag }, null, progress, limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"Pulling {image} took longer than {timeout} (Agent:ImagePullTimeout); pull it on the box beforehand or raise the timeout.");
        }
        catch (DockerApiException e)
        {
            throw new InvalidOperationException($"Docker could not pull {image}: {e.ResponseBody?.Trim()}", e);
        }

        if (progress.Error is { } error)
        {
            throw new InvalidOperationException($"Docker could not pull {image}: {error}");
        }
    }

    /// <summary>"vllm/vllm-openai:v0.11.0" → ("vllm/vllm-openai", "v0.11.0"); a registry port is not a tag.</summary>
    public static (string Repository, string Tag) SplitImage(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            return (image[..at], image[(at + 1)..]);
        }

        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }

    private async Task<string> ReadLogsAsync(ReplicaHandle handle, string tail, CancellationToken cancellationToken)
    {
        using var stream = await Client.Containers.GetContainerLogsAsync(handle.RuntimeId,
            new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = tail }, cancellationToken);
        // Frames of stdout and stderr are read in the order the engine wrote them, as `docker logs` shows them.
        var text = new System.Text.StringBuilder();
        var decoder = System.Text.Encoding.UTF8.GetDecoder();
        var bytes = new byte[16 * 1024];
        var chars = new char[System.Text.Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        while (true)
        {
            var read = await stream.ReadOutputAsync(bytes, 0, bytes.Length, cancellationToken);
            if (read.EOF)
            {
                break;
            }

            var count = decoder.GetChars(bytes, 0, read.Count, chars, 0);
            text.Append(chars, 0, count);
        }

        return _redactors.TryGetValue(handle.RuntimeId, out var redactor) ? redactor.Redact(text.ToString()) : text.ToString();
    }
}
