using System.Collections.Concurrent;
using GpuBench.Agent.Deployments;
using GpuBench.Agent.Inventory;
using GpuBench.Agent.Telemetry;
using GpuBench.Core.Contracts;

namespace GpuBench.Agent.Runs;

/// <summary>
/// Runs a workload against a ready deployment's gateway, with GPU and engine telemetry sampled alongside, and
/// keeps the result on disk (<see cref="RunStore"/>) until the controller acknowledges it.
/// </summary>
public sealed class RunManager(
    DeploymentManager deployments,
    ILoadRunner load,
    TelemetrySampler telemetry,
    SystemInfoCollector systemInfo,
    RunStore store,
    TimeProvider time,
    ILogger<RunManager> logger) : IHostedService
{
    private readonly ConcurrentDictionary<string, ActiveRun> _active = new();

    /// <summary>Results the box's disk refused (full, read-only): kept in memory, so the controller still gets them.</summary>
    private readonly ConcurrentDictionary<string, RunResult> _unsaved = new();

    public sealed record ActiveRun(RunRequest Request, ProgressFeed Progress, CancellationTokenSource Cancel, Task Completion);

    /// <summary>How long telemetry sampling may take to stop once the load has ended.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    public ActiveRun? FindActive(string runId) => _active.GetValueOrDefault(runId);

    /// <summary>Runs in progress and results not yet acknowledged.</summary>
    public IReadOnlyList<string> List() => [.. _active.Keys.Union(_unsaved.Keys).Union(store.List()).Order(StringComparer.Ordinal)];

    public string Start(RunRequest request)
    {
        var deployment = deployments.Find(request.DeploymentId)
            ?? throw new KeyNotFoundException($"No deployment '{request.DeploymentId}'.");
        if (deployment.State != DeploymentState.Ready)
        {
            throw new DeploymentConflictException($"Deployment {request.DeploymentId} is {deployment.State}, not Ready.");
        }

        var runId = Guid.NewGuid().ToString("n")[..12];
        var feed = new ProgressFeed();
        var cancel = new CancellationTokenSource();
        var started = time.GetUtcNow();
        var completion = new TaskCompletionSource();
        _active[runId] = new ActiveRun(request, feed, cancel, completion.Task);
        _ = Task.Run(async () =>
        {
            try
            {
                await RunAsync(runId, request, deployment, feed, started, cancel.Token);
            }
            catch (Exception e)
            {
                // The last resort: whatever broke, the run ends with a result that says why, and its feed ends.
                logger.LogError(e, "Run {RunId} broke", runId);
                var failed = new RunResult
                {
                    RunId = runId, DeploymentId = request.DeploymentId, Workload = request.Workload, State = RunState.Failed,
                    StartedAt = started, FinishedAt = time.GetUtcNow(), Error = Reason(e),
                };
                _unsaved.TryAdd(runId, failed);
                feed.Publish(new RunProgress(runId, 0, time.GetUtcNow(), RunState.Failed, 0, 0, request.Workload.NumPrompts, 0,
                    (time.GetUtcNow() - started).TotalSeconds, failed.Error), final: true);
            }
            finally
            {
                _active.TryRemove(runId, out _);
                cancel.Dispose();
                completion.SetResult();
            }
        }, CancellationToken.None);
        logger.LogInformation("Run {RunId}: {Workload} against deployment {Deployment}", runId, request.Workload.Name, request.DeploymentId);
        return runId;
    }

    /// <summary>The stored result, once the run has ended; null while it runs or when acknowledged.</summary>
    public Task<RunResult?> GetResultAsync(string runId, CancellationToken cancellationToken) =>
        _unsaved.TryGetValue(runId, out var unsaved) ? Task.FromResult<RunResult?>(unsaved) : store.LoadAsync(runId, cancellationToken);

    /// <summary>Cancels a run in progress, or acknowledges (forgets) a finished one.</summary>
    public async Task<bool> DeleteAsync(string runId)
    {
        if (_active.TryGetValue(runId, out var active))
        {
            await active.Cancel.CancelAsync();
            await active.Completion;
            return true;
        }

        return _unsaved.TryRemove(runId, out _) | store.Delete(runId);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>When the agent stops, runs in progress end as Cancelled, with what they measured saved.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var runId in _active.Keys)
        {
            await DeleteAsync(runId);
        }
    }

    private async Task RunAsync(string runId, RunRequest request, Deployment deployment, ProgressFeed feed, DateTimeOffset started, CancellationToken cancellationToken)
    {
        var workload = request.Workload;
        var plan = deployment.Plan;
        // Sequence 0: the feed numbers the events it publishes.
        RunProgress Event(RunState state, LoadCounters counters, string? message) => new(
            runId, 0, time.GetUtcNow(), state,
            counters.Completed, counters.Failed, counters.Total, counters.OutputTokens,
            (time.GetUtcNow() - started).TotalSeconds, message);

        var counters = new LoadCounters(0, 0, workload.NumPrompts, 0);
        feed.Publish(Event(RunState.Running, counters, "started"));
        var targets = plan.Replicas.Select(r => new ScrapeTarget(r.Index, r.Url, r.GpuIds)).ToArray();
        await using var sampling = telemetry.Start(deployment.SimulatedGpus, targets, cancellationToken);
        var result = new RunResult
        {
            RunId = runId,
            DeploymentId = request.DeploymentId,
            Workload = workload,
            State = RunState.Running,
            StartedAt = started,
        };
        try
        {
            var progress = new Progress<LoadCounters>(p =>
            {
                counters = p;
                feed.Publish(Event(RunState.Running, p, p.Phase));
            });
            var outcome = await load.RunAsync(new Uri(plan.Gateway.Url), plan.Request.Engine.EffectiveServedModelName,
                workload, [.. plan.Replicas.Select(r => new Uri(new Uri(r.Url), "/metrics"))], progress, cancellationToken);
            await store.SaveRequestsAsync(runId, outcome.Requests, cancellationToken);
            result = result with { State = RunState.Succeeded, Benchmark = outcome.Benchmark, BenchmarkText = outcome.BenchmarkText };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = result with { State = RunState.Cancelled, Error = "cancelled" };
        }
        catch (Exception e)
        {
            // Failures are results: recorded with their reason, never lost.
            logger.LogError(e, "Run {RunId} failed", runId);
            result = result with { State = RunState.Failed, Error = Reason(e) };
        }

        result = await CompleteAsync(result, sampling, deployment);
        result = await SaveAsync(result);
        feed.Publish(Event(result.State, counters, result.Error ?? "finished"), final: true);
        logger.LogInformation("Run {RunId} {State}", runId, result.State);
    }

    /// <summary>
    /// What comes after the load: telemetry summaries, system info, the deployment's status. A failure here (a
    /// sampler that will not stop) fails the run with its reason; the measurement stays in the result.
    /// </summary>
    private async Task<RunResult> CompleteAsync(RunResult result, TelemetrySession sampling, Deployment deployment)
    {
        result = result with { FinishedAt = time.GetUtcNow(), Deployment = deployment.Status() };
        try
        {
            var (gpus, engine) = await sampling.StopAsync().WaitAsync(StopTimeout, time);
            foreach (var failure in sampling.Failures)
            {
                logger.LogWarning(failure, "Run {RunId}: telemetry sampling stopped early; its summaries end there", result.RunId);
            }

            result = result with { Gpus = gpus, Engine = engine };
        }
        catch (Exception e)
        {
            logger.LogError(e, "Run {RunId}: telemetry sampling did not stop", result.RunId);
            result = Failed(result, $"telemetry sampling did not stop: {Reason(e)}");
        }

        return result with { System = await SystemInfoOrNullAsync(deployment) };
    }

    /// <summary>Saves the result; when the disk refuses it, the result (failed, saying why) is kept in memory.</summary>
    private async Task<RunResult> SaveAsync(RunResult result)
    {
        try
        {
            await store.SaveAsync(result, CancellationToken.None);
            return result;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Run {RunId}: the result could not be saved on the box", result.RunId);
            var failed = Failed(result, $"the result could not be saved on the box: {Reason(e)}");
            _unsaved[result.RunId] = failed;
            return failed;
        }
    }

    /// <summary>The run failed for <paramref name="reason"/>, after any earlier failure it had.</summary>
    private static RunResult Failed(RunResult result, string reason) => result with
    {
        State = RunState.Failed,
        Error = result.State == RunState.Failed && result.Error is { } earlier ? $"{earlier}; then {reason}" : reason,
    };

    private static string Reason(Exception e) => $"{e.GetType().Name}: {e.Message}";

    private async Task<SystemInfo?> SystemInfoOrNullAsync(Deployment deployment)
    {
        try
        {
            var report = await systemInfo.CollectAsync(CancellationToken.None);
            return report.Info with { Engine = deployment.Engine };
        }
        catch (Exception e)
        {
            // The measurement stands without it (a timed-out nvidia-smi, a missing lscpu): the result says none.
            logger.LogWarning(e, "No system info for the result: {Reason}", Reason(e));
            return null;
        }
    }
}
