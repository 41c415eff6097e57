using System.Collections.Concurrent;
using GpuBench.Agent.Hosting;
using GpuBench.Agent.Inventory;
using GpuBench.Agent.Processes;
using GpuBench.Agent.Runtimes;
using GpuBench.Agent.Telemetry;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Engines;
using GpuBench.Core.Net;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Deployments;

/// <summary>
/// Provisions the model into the box's cache (vLLM only), starts a planned layout (replicas, then a gateway over
/// them), waits until every replica serves the model, and tears everything down on delete, on failure, on cancellation and when the agent stops. An engine that
/// exits while starting fails the deployment at once, with its log tail as the reason.
/// </summary>
public sealed class DeploymentManager(
    IEnumerable<IEngineRuntime> runtimes,
    GpuInventoryProvider inventory,
    ReadinessProbe readiness,
    ModelCacheProvisioner provisioner,
    IOptions<AgentOptions> options,
    ChildTelemetry childTelemetry,
    ChildReaper reaper,
    TimeProvider time,
    ILogger<DeploymentManager> logger) : IHostedService
{
    private const int LogTailLines = 40;
    private readonly ConcurrentDictionary<string, Deployment> _deployments = new();

    /// <summary>How often a starting replica is probed.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public IEnumerable<DeploymentStatus> List() => _deployments.Values.Select(d => d.Status());

    public Deployment? Find(string id) => _deployments.GetValueOrDefault(id);

    /// <summary>Plans and starts a deployment; it becomes Ready or Failed in the background.</summary>
    public async Task<DeploymentStatus> CreateAsync(DeploymentRequest request, CancellationToken cancellationToken)
    {
        DeploymentPolicy.Check(request, options.Value);
        var runtime = runtimes.FirstOrDefault(r => r.Kind == request.Runtime)
            ?? throw new DeploymentPlanException($"Runtime '{request.Runtime}' is not available on this agent.");
        var gpus = await inventory.GetAsync(cancellationToken);
        var busy = _deployments.Values
            .Where(d => d.State is DeploymentState.Starting or DeploymentState.Ready)
            .SelectMany(d => d.Plan.Replicas.SelectMany(r => r.GpuIds))
            .Intersect(request.Layout.Placements.SelectMany(p => p.GpuIds))
            .ToArray();
        if (busy.Length > 0)
        {
            throw new DeploymentConflictException($"GPU {string.Join(',', busy)} is in use by another deployment; delete it first.");
        }

        var id = Guid.NewGuid().ToString("n")[..10];
        var plan = DeploymentPlanner.Plan(id, request, gpus, GatewayCommand(), Guid.NewGuid().ToString("n"), LoopbackPorts.Pick,
            DeploymentPaths.EngineCache(options.Value));
        var deployment = new Deployment(plan, runtime, Runtimes.ComposeRenderer.RenderAll(plan), time.GetUtcNow());
        _deployments[id] = deployment;
        logger.LogInformation("Deployment {Id}: {Layout} of {Model} via {Runtime} for {Campaign}/{Run}",
            id, request.Layout, request.Engine.Model, request.Runtime, request.Campaign, request.Run);
        deployment.Startup = Task.Run(() => StartAsync(deployment), CancellationToken.None);
        return deployment.Status();
    }

    /// <summary>Stops everything of a deployment; it stays listed as Stopped (or Failed) for its status and logs.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!_deployments.TryGetValue(id, out var deployment))
        {
            return false;
        }

        await deployment.Lifetime.CancelAsync();
        await deployment.Startup;
        await TearDownAsync(deployment, cancellationToken);
        return true;
    }

    public async Task<string?> GetLogAsync(string id, int? replica, int lines, CancellationToken cancellationToken)
    {
        if (!_deployments.TryGetValue(id, out var deployment))
        {
            return null;
        }

        if (replica is null)
        {
            return await LogTail.ReadAsync(DeploymentPaths.GatewayLog(options.Value, id), lines, cancellationToken);
        }

        var handle = deployment.Handles.FirstOrDefault(h => h.Index == replica);
        return handle is null ? "" : await deployment.Runtime.GetLogTailAsync(handle, lines, cancellationToken);
    }

    /// <summary>At start: removes what an agent that died left running (labelled containers, recorded processes).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        PrivateDirectory.Create(options.Value.DataDirectory);
        foreach (var runtime in runtimes)
        {
            try
            {
                var removed = await runtime.RemoveLeftoversAsync(cancellationToken);
                if (removed > 0)
                {
                    logger.LogWarning("Removed {Count} {Runtime} replicas left by an earlier agent", removed, runtime.Kind);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Could not look for leftovers of the {Runtime} runtime", runtime.Kind);
            }
        }
    }

    /// <summary>When the agent stops: nothing it started may outlive it.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var id in _deployments.Keys)
        {
            await DeleteAsync(id, cancellationToken);
        }
    }

    private async Task StartAsync(Deployment deployment)
    {
        var plan = deployment.Plan;
        var cancellationToken = deployment.Lifetime.Token;
        try
        {
            if (DeploymentPlanner.ProvisionsModel(plan.Request))
            {
                var provisioned = await provisioner.EnsureAsync(deployment, cancellationToken);
                if (provisioned.Error is { } error)
                {
                    deployment.Fail($"Provisioning {plan.Request.Engine.Model} failed: {error}");
                    throw new InvalidOperationException(deployment.Error);
                }
            }

            var prepared = await deployment.Runtime.PrepareAsync(plan, deployment.UpdateImagePull, cancellationToken);
            deployment.UpdateImagePull(null);
            if (prepared.Warning is { } warning)
            {
                deployment.Warn(warning);
                logger.LogWarning("Deployment {Id}: {Warning}", plan.Id, warning);
            }

            plan = deployment.Plan = prepared.Apply(plan);
            deployment.Rendered = Runtimes.ComposeRenderer.RenderAll(plan);
            foreach (var cache in plan.Replicas.Select(r => r.EngineCacheDir).OfType<string>().Distinct())
            {
                Directory.CreateDirectory(cache);
            }

            var starting = time.GetTimestamp();
            foreach (var replica in plan.Replicas)
            {
                deployment.Handles.Add(await deployment.Runtime.StartAsync(plan, replica, cancellationToken));
            }

            await WaitUntilReadyAsync(deployment, cancellationToken);
            deployment.EngineStartSeconds = Math.Round(time.GetElapsedTime(starting).TotalSeconds, 3);
            deployment.Engine = await IdentifyAsync(deployment, prepared, cancellationToken);
            await StartGatewayAsync(deployment, cancellationToken);
            deployment.SetState(DeploymentState.Ready);
            logger.LogInformation("Deployment {Id} is ready at {Gateway}", plan.Id, plan.Gateway.Url);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Whatever broke once the deployment was being deleted (a probe refused mid-cancel, a replica torn down
            // under a call) is the deletion's doing, not the engine's: it ends Stopped, not Failed.
            logger.LogInformation("Deployment {Id} cancelled while starting", plan.Id);
            await TearDownAsync(deployment, CancellationToken.None);
        }
        catch (Exception e)
        {
            if (deployment.State != DeploymentState.Failed)
            {
                deployment.Fail(e.Message);
            }

            logger.LogError("Deployment {Id} failed: {Error}", plan.Id, deployment.Error);
            await TearDownAsync(deployment, CancellationToken.None);
        }
    }

    private async Task WaitUntilReadyAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        var plan = deployment.Plan;
        var model = plan.Request.Engine.EffectiveServedModelName;
        var deadline = time.GetUtcNow() + plan.Request.ReadyTimeout;
        var pending = deployment.Handles.ToList();
        while (pending.Count > 0)
        {
            foreach (var handle in pending.ToArray())
            {
                var replica = plan.Replicas[handle.Index];
                if (await deployment.Runtime.GetExitAsync(handle, cancellationToken) is { } exit)
                {
                    var tail = await deployment.Runtime.GetLogTailAsync(handle, LogTailLines, cancellationToken);
                    deployment.Fail($"Replica {handle.Index} (GPU {replica.Placement.DeviceList}) stopped while starting: {exit.Reason}. Last lines of its log:\n{tail}", handle.Index);
                    throw new InvalidOperationException(deployment.Error);
                }

                if (await readiness.IsReadyAsync(replica.Url, model, cancellationToken))
                {
                    deployment.MarkReplicaReady(handle.Index);
                    pending.Remove(handle);
                }
            }

            if (pending.Count == 0)
            {
                return;
            }

            if (time.GetUtcNow() > deadline)
            {
                var handle = pending[0];
                var tail = await deployment.Runtime.GetLogTailAsync(handle, LogTailLines, cancellationToken);
                deployment.Fail($"Replica {handle.Index} did not serve {model} within {plan.Request.ReadyTimeout}. Last lines of its log:\n{tail}", handle.Index);
                throw new TimeoutException(deployment.Error);
            }

            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    /// <summary>
    /// The engine as it runs: the runtime's identity, the version the engine reports (GET /version), and its tracing.
    /// A vLLM other than the pinned one is run all the same, with a warning: its command line was checked against
    /// the pinned version's contract only.
    /// </summary>
    private async Task<EngineIdentity> IdentifyAsync(Deployment deployment, EnginePreparation prepared, CancellationToken cancellationToken)
    {
        var plan = deployment.Plan;
        var identity = await deployment.Runtime.IdentifyAsync(plan, cancellationToken);
        var version = await readiness.GetVersionAsync(plan.Replicas[0].Url, cancellationToken);
        var vllm = plan.Request.Engine.Settings.Kind == EngineKind.Vllm;
        var pinned = VllmCliContract.Pinned.Version;
        if (vllm && version is not null && version != pinned)
        {
            deployment.Warn($"The engine reports vLLM {version}; GpuBench renders and checks its command line against vLLM {pinned}'s (src/Core/Engines/vllm-cli.yml).");
        }

        return identity with
        {
            Version = version ?? identity.Version,
            Tracing = vllm && childTelemetry.WantsEngineTracing(EngineKind.Vllm) ? plan.EngineTracing : null,
            TracingImage = prepared.TracingImage,
        };
    }

    private async Task StartGatewayAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        var plan = deployment.Plan;
        if (plan.Gateway.Command.Count == 0)
        {
            throw new InvalidOperationException("No gateway to start: set Agent:GatewayCommand (e.g. [\"dotnet\", \"/opt/gpubench/GpuBench.Gateway.dll\"]).");
        }

        var logPath = DeploymentPaths.GatewayLog(options.Value, plan.Id);
        deployment.Gateway = ChildProcess.Start(
            [.. plan.Gateway.Command, .. plan.Gateway.Arguments],
            childTelemetry.Environment(ChildTelemetry.GatewayServiceName(plan.Request.Run)),
            new Dictionary<string, string> { [GatewaySpec.AdminTokenVariable] = plan.Secrets[GatewaySpec.AdminTokenVariable] },
            logPath,
            DeploymentPaths.ProcessRecords(options.Value),
            reaper);
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(60);
        var model = plan.Request.Engine.EffectiveServedModelName;
        // Through the gateway, so the whole path a run takes is proven before the run starts.
        while (!await readiness.IsReadyAsync(plan.Gateway.Url, model, cancellationToken))
        {
            if (deployment.Gateway.HasExited || time.GetUtcNow() > deadline)
            {
                var tail = await LogTail.ReadAsync(logPath, LogTailLines, cancellationToken);
                throw new InvalidOperationException(
                    $"The gateway did not serve {model} at {plan.Gateway.Url}{(deployment.Gateway.HasExited ? $" (exited with code {deployment.Gateway.ExitCode})" : "")}. Last lines of its log:\n{tail}");
            }

            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    private async Task TearDownAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        if (!deployment.BeginTeardown())
        {
            return;
        }

        if (deployment.Gateway is { } gateway)
        {
            await gateway.StopAsync(options.Value.StopGracePeriod, cancellationToken);
            gateway.Dispose();
            deployment.Gateway = null;
        }

        foreach (var handle in deployment.Handles)
        {
            try
            {
                await deployment.Runtime.StopAsync(handle, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Could not stop replica {Replica} of deployment {Id}", handle.Index, deployment.Plan.Id);
            }
        }

        deployment.SetState(DeploymentState.Stopped);
    }

    private IReadOnlyList<string> GatewayCommand() => options.Value.GatewayCommand;
}

/// <summary>The request clashes with a deployment that is running (e.g. the same GPUs).</summary>
public sealed class DeploymentConflictException(string message) : Exception(message);
