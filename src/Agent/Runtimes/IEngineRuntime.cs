using GpuBench.Core.Config;
using GpuBench.Core.Contracts;

namespace GpuBench.Agent.Runtimes;

/// <summary>A started replica: its container id or process id, and where its log goes.</summary>
public sealed record ReplicaHandle(int Index, string RuntimeId, string LogPath);

/// <summary>Why a replica stopped: exit code and what the runtime knows (e.g. killed for memory).</summary>
public sealed record ReplicaExit(int ExitCode, string Reason);

/// <summary>Starts and stops engine replicas: containers (<see cref="Docker.DockerRuntime"/>) or processes.</summary>
public interface IEngineRuntime
{
    RuntimeKind Kind { get; }

    /// <summary>
    /// Once per deployment, before any replica starts: what the engine needs on this box (the image pulled, with
    /// <paramref name="pullProgress"/> in bytes; whether vLLM can export traces here). Throws what fails the deployment.
    /// </summary>
    Task<EnginePreparation> PrepareAsync(DeploymentPlan plan, Action<ProvisioningTransfer> pullProgress, CancellationToken cancellationToken);

    /// <summary>Starts one replica, giving it the secret values of <see cref="ReplicaSpec.SecretVariables"/> from the plan.</summary>
    Task<ReplicaHandle> StartAsync(DeploymentPlan plan, ReplicaSpec replica, CancellationToken cancellationToken);

    /// <summary>Null while the replica runs; how it ended once it has.</summary>
    Task<ReplicaExit?> GetExitAsync(ReplicaHandle handle, CancellationToken cancellationToken);

    /// <summary>The last lines the engine wrote, secrets redacted.</summary>
    Task<string> GetLogTailAsync(ReplicaHandle handle, int lines, CancellationToken cancellationToken);

    /// <summary>Stops and removes the replica, keeping its log at <see cref="ReplicaHandle.LogPath"/>. Idempotent.</summary>
    Task StopAsync(ReplicaHandle handle, CancellationToken cancellationToken);

    /// <summary>Removes whatever an earlier agent started and did not tear down (labelled or recorded as ours only).</summary>
    Task<int> RemoveLeftoversAsync(CancellationToken cancellationToken);

    /// <summary>The engine the replicas run: image and digest, or executable.</summary>
    Task<EngineIdentity> IdentifyAsync(DeploymentPlan plan, CancellationToken cancellationToken);
}
