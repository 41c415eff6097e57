using System.Collections.Concurrent;
using System.Globalization;
using GpuBench.Agent.Hosting;
using GpuBench.Agent.Processes;
using GpuBench.Agent.Telemetry;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Runtimes.Process;

/// <summary>
/// Replicas as child processes (`vllm serve …` or the simulator), each with its own CUDA_VISIBLE_DEVICES, for
/// boxes that are containers themselves and have no Docker. Logs go to files under the data directory.
/// </summary>
public sealed class ProcessRuntime(IOptions<AgentOptions> options, ChildTelemetry telemetry, ICommandRunner commands, ChildReaper reaper) : IEngineRuntime
{
    private readonly ConcurrentDictionary<string, ChildProcess> _children = new();

    public RuntimeKind Kind => RuntimeKind.Process;

    /// <summary>Where pid records of running children live, so a restarted agent can stop them.</summary>
    public string RecordDirectory => DeploymentPaths.ProcessRecords(options.Value);

    /// <summary>
    /// When vLLM is to export traces: asks the Python that runs the command (its `#!` line) to import what vLLM's
    /// tracing needs. Without them vLLM refuses to start with --otlp-traces-endpoint, so the replicas start without it
    /// and the deployment says so. A command that is not a Python script cannot be asked, and keeps the flag.
    /// </summary>
    public async Task<EnginePreparation> PrepareAsync(DeploymentPlan plan, Action<ProvisioningTransfer> pullProgress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var engine = plan.Request.Engine;
        if (engine.Settings.Kind != EngineKind.Vllm || !telemetry.WantsEngineTracing(engine.Settings.Kind)
            || PythonInterpreter.Of(engine.Command) is not { } python)
        {
            return EnginePreparation.Unchanged;
        }

        var check = await commands.RunAsync(python[0], [.. python.Skip(1), .. OpenTelemetryCheck.PythonArguments], cancellationToken);
        return check is { Succeeded: true }
            ? EnginePreparation.Unchanged
            : new EnginePreparation(null, false, null, OpenTelemetryCheck.TracingOff(string.Join(' ', engine.Command),
                $"{python[0]} cannot import them ({LastLine(check?.StandardError) ?? "it did not run"}); install them into vLLM's environment " +
                $"(pip install {string.Join(' ', OpenTelemetryCheck.Requirements)}) to trace into vLLM"));
    }

    private static string? LastLine(string? text) =>
        text?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();

    public Task<ReplicaHandle> StartAsync(DeploymentPlan plan, ReplicaSpec replica, CancellationToken cancellationToken)
    {
        var logPath = DeploymentPaths.ReplicaLog(options.Value, plan.Id, replica.Index);
        var launch = telemetry.Apply(plan, replica);
        var child = ChildProcess.Start(
            [.. launch.Replica.Executable, .. launch.Replica.EngineArguments],
            CommandLineRenderer.ProcessEnvironment(launch.Replica),
            launch.Secrets,
            logPath,
            RecordDirectory,
            reaper);
        var id = child.Id.ToString(CultureInfo.InvariantCulture);
        _children[id] = child;
        return Task.FromResult(new ReplicaHandle(replica.Index, id, logPath));
    }

    public Task<ReplicaExit?> GetExitAsync(ReplicaHandle handle, CancellationToken cancellationToken) =>
        Task.FromResult(_children.TryGetValue(handle.RuntimeId, out var child) && child.HasExited
            ? new ReplicaExit(child.ExitCode, ExitReason(child.ExitCode))
            : null);

    /// <summary>Exit codes above 128 mean a signal; 137 (SIGKILL) is what the kernel's OOM killer leaves.</summary>
    public static string ExitReason(int exitCode) => exitCode switch
    {
        134 => "the engine process aborted (SIGABRT, e.g. an unhandled error)",
        137 => "the engine process was killed (SIGKILL, often the kernel's out-of-memory killer)",
        > 128 and < 160 => $"the engine process was killed by signal {exitCode - 128}",
        _ => $"the engine process exited with code {exitCode}",
    };

    public Task<string> GetLogTailAsync(ReplicaHandle handle, int lines, CancellationToken cancellationToken) =>
        LogTail.ReadAsync(handle.LogPath, lines, cancellationToken);

    public async Task StopAsync(ReplicaHandle handle, CancellationToken cancellationToken)
    {
        if (_children.TryRemove(handle.RuntimeId, out var child))
        {
            using (child)
            {
                await child.StopAsync(options.Value.StopGracePeriod, cancellationToken);
            }
        }
    }

    public Task<int> RemoveLeftoversAsync(CancellationToken cancellationToken) =>
        Task.FromResult(ChildProcess.KillRecorded(RecordDirectory));

    public Task<EngineIdentity> IdentifyAsync(DeploymentPlan plan, CancellationToken cancellationToken) =>
        Task.FromResult(new EngineIdentity("process", Image: null, ImageDigest: null, Version: null,
            Simulated: plan.Request.Engine.Settings.Kind == EngineKind.Sim));
}
