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

    public sealed record ActiveRun(RunRequest Request, ProgressFeed Progress, CancellationTokenSource Cancel, Task Completion);

    public ActiveRun? FindActive(string runId) => _active.GetValueOrDefault(runId);

    /// <summary>Runs in progress and results not yet acknowledged.</summary>
    public IReadOnlyList<string> List() => [.. _active.Keys.Union(store.List()).Order(StringComparer.Ordinal)];

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
    public Task<RunResult?> GetResultAsync(string runId, CancellationToken cancellationToken) => store.LoadAsync(runId, cancellationToken);

    /// <summary>Cancels a run in progress, or acknowledges (forgets) a finished one.</summary>
    public async Task<bool> DeleteAsync(string runId)
    {
        if (_active.TryGetValue(runId, out var active))
        {
            await active.Cancel.CancelAsync();
            await active.Completion;
            return true;
        }

        return store.Delete(runId);
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
            result = result with { State = RunState.Failed, Error = $"{e.GetType().Name}: {e.Message}" };
        }

        var (gpus, engine) = await sampling.StopAsync();
        foreach (var failure in sampling.Failures)
        {
            logger.LogWarning(failure, "Run {RunId}: telemetry sampling stopped early; its summaries end there", runId);
        }

        result = result with
        {
            FinishedAt = time.GetUtcNow(),
            Gpus = gpus,
            Engine = engine,
            System = await SystemInfoOrNullAsync(deployment),
            Deployment = deployment.Status(),
        };
        await store.SaveAsync(result, CancellationToken.None);
        feed.Publish(Event(result.State, counters, result.Error ?? "finished"), final: true);
        logger.LogInformation("Run {RunId} {State}", runId, result.State);
    }

    private async Task<SystemInfo?> SystemInfoOrNullAsync(Deployment deployment)
    {
        try
        {
            var report = await systemInfo.CollectAsync(CancellationToken.None);
            return report.Info with { Engine = deployment.Engine };
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            logger.LogWarning(e, "No system info for the result");
            return null;
        }
    }
}
