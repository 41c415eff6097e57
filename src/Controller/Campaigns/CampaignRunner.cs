using System.Globalization;
using System.Text.Json;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Hardware;
using GpuBench.Core.Metrics;
using GpuBench.Core.Planning;
using GpuBench.Core.Results;
using GpuBench.LoadGen.Dataset;

namespace GpuBench.Controller.Campaigns;

/// <summary>What one `gpubench bench` does: which campaign, which servers, whether finished runs are redone.</summary>
public sealed record CampaignSettings
{
    public required string Name { get; init; }

    /// <summary>Runs again even what an earlier bench completed.</summary>
    public bool Force { get; init; }

    /// <summary>Only these servers (by name); empty means every server in config.yml.</summary>
    public IReadOnlyList<string> Servers { get; init; } = [];

    /// <summary>A run whose share of failed requests is above this is recorded as failed.</summary>
    public double MaxFailedRequestFraction { get; init; } = 0.05;

    /// <summary>How often a deployment coming up, or a result after a dropped feed, is polled.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Engine log lines kept with each result.</summary>
    public int EngineLogLines { get; init; } = 200;

    public AgentReach Reach { get; init; } = new();
}

/// <summary>Every outcome of a campaign, and where its results are.</summary>
public sealed record CampaignResult(string Directory, IReadOnlyList<RunOutcome> Outcomes)
{
    public int Failed => Outcomes.Count(o => o.Kind == RunOutcomeKind.Failed);
}

/// <summary>The agent stopped answering and could not be reached again.</summary>
public sealed class AgentLostException(Exception inner) : Exception($"agent lost: {inner.Message}", inner);

/// <summary>
/// Runs a campaign: servers in parallel, the runs of one server one after another, each deployed, run, collected,
/// torn down and acknowledged before the next. A run that fails is recorded with its reason and the campaign goes on;
/// a run already complete in the results folder is skipped unless forced, so an interrupted campaign resumes.
/// </summary>
public sealed class CampaignRunner(AgentConnector connector, TimeProvider time, ILogger<CampaignRunner> logger, LoadPredictor? loadPredictor = null)
{
    private readonly LoadPredictor predictor = loadPredictor ?? new LoadPredictor(GpuCatalog.Default);

    public async Task<CampaignResult> RunAsync(
        BenchConfig config, RunPlan plan, CampaignSettings settings, ICampaignObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(observer);
        var directory = Path.Combine(config.ResultsDir, settings.Name);
        using var held = CampaignLock.Acquire(directory);
        var servers = config.Servers.Where(s => settings.Servers.Count == 0 || settings.Servers.Contains(s.Name, StringComparer.Ordinal));
        var campaign = new Campaign(config, plan, settings, directory, observer);
        try
        {
            var outcomes = await Task.WhenAll(servers.Select(s => RunServerAsync(campaign, s, cancellationToken))).ConfigureAwait(false);
            return new CampaignResult(directory, [.. outcomes.SelectMany(o => o)]);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            throw AsCancellation(ex, cancellationToken);
        }
    }

    /// <summary>
    /// Once the campaign is cancelled, whatever else broke is the cancellation: a Ctrl+C reaches a local agent too,
    /// which stops and cuts the calls in flight (an IOException from a progress feed, not an OperationCanceledException).
    /// </summary>
    private static OperationCanceledException AsCancellation(Exception ex, CancellationToken cancellationToken) =>
        ex as OperationCanceledException ?? new OperationCanceledException($"The campaign was cancelled ({ex.Message}).", ex, cancellationToken);

    private sealed record Campaign(BenchConfig Config, RunPlan Plan, CampaignSettings Settings, string Directory, ICampaignObserver Observer);

    private async Task<List<RunOutcome>> RunServerAsync(Campaign campaign, ServerSpec server, CancellationToken cancellationToken)
    {
        // Off the caller's thread at once: servers run side by side.
        await Task.Yield();
        var outcomes = new List<RunOutcome>();
        var tracker = new ServerTracker(server.Name, campaign.Observer);
        void Record(RunOutcome outcome)
        {
            outcomes.Add(outcome);
            tracker.Finished(outcome);
            campaign.Observer.OnOutcome(outcome);
        }

        var runs = campaign.Plan.Runs.Where(r => r.Server.Name == server.Name).ToList();
        var unplanned = campaign.Plan.Unplanned.Where(u => u.Server.Name == server.Name).ToList();
        tracker.Total = runs.Sum(ExpectedOutcomes) + unplanned.Sum(u => u.Workloads.Count);

        foreach (var item in unplanned)
        {
            foreach (var workload in item.Workloads)
            {
                (await RecordUnplannedAsync(campaign, item, workload, cancellationToken).ConfigureAwait(false)).ForEach(Record);
            }
        }

        var pending = new List<PlannedRun>();
        foreach (var run in runs)
        {
            if (!campaign.Settings.Force && SweepPoints.IsComplete(campaign.Directory, run))
            {
                Record(new RunOutcome(server.Name, run.Model.Name, run.Workload.Name, run.Layout.ToString(), RunOutcomeKind.Skipped, "already complete", null, null, null));
            }
            else
            {
                pending.Add(run);
            }
        }

        if (pending.Count == 0)
        {
            tracker.Update(null, RunPhase.Finished);
            return outcomes;
        }

        tracker.Update(null, RunPhase.Connecting);
        IAgentSession session;
        try
        {
            session = await connector.ConnectAsync(server, campaign.Settings.Reach, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Could not reach the agent of {Server}", server.Name);
            foreach (var run in pending)
            {
                (await RecordFailureAsync(campaign, run, $"agent unreachable: {ex.Message}", cancellationToken).ConfigureAwait(false)).ForEach(Record);
            }

            tracker.Update(null, RunPhase.Finished, ex.Message);
            return outcomes;
        }

        await using (session.ConfigureAwait(false))
        {
            for (var i = 0; i < pending.Count; i++)
            {
                try
                {
                    await RunPointsAsync(campaign, session, pending[i], tracker, Record, cancellationToken).ConfigureAwait(false);
                }
                catch (AgentLostException lost)
                {
                    // Every point left on this server would fail the same way; record them all now.
                    foreach (var run in pending.Skip(i))
                    {
                        (await RecordFailureAsync(campaign, run, lost.Message, cancellationToken).ConfigureAwait(false)).ForEach(Record);
                    }

                    break;
                }
            }

            tracker.Update(null, RunPhase.TearingDown);
        }

        tracker.Update(null, RunPhase.Finished);
        return outcomes;
    }

    /// <summary>
    /// The run's workload with its dataset file on the box: shipped once per content hash (the agent keeps it across
    /// runs and restarts), and named by that hash in the run request.
    /// </summary>
    private async Task<WorkloadSpec> ShipDatasetAsync(IAgentSession session, PlannedRun run, CancellationToken cancellationToken)
    {
        if (run.Workload.Dataset is not { ReadsFile: true, Path: { } path } dataset)
        {
            return run.Workload;
        }

        var sha256 = DatasetSampler.Sha256Of(path);
        var shipped = await CallAsync(session, c => c.EnsureDatasetAsync(path, sha256, cancellationToken), cancellationToken).ConfigureAwait(false);
        logger.LogInformation(shipped ? "Shipped dataset {File} ({Sha256}) for {Run}" : "Dataset {File} ({Sha256}) is already on the box for {Run}",
            Path.GetFileName(path), sha256, run.RelativePath);
        return run.Workload with { Dataset = dataset with { Sha256 = sha256 } };
    }

    /// <summary>The deployment a run's points share: deployed at the first point that runs, torn down after the last.</summary>
    private sealed class SharedDeployment
    {
        public DeploymentStatus? Status { get; set; }

        /// <summary>Why no further point can run on it (it never started, or the agent refused a run); null while it can.</summary>
        public string? Broken { get; set; }

        /// <summary>What every point's record says of the deployment: its id, provisioning, start time and warnings.</summary>
        public Func<RunRecord, RunRecord> Facts { get; set; } = r => r;

        /// <summary>False once the agent is lost: nothing can be torn down then.</summary>
        public bool Reachable { get; set; } = true;
    }

    /// <summary>
    /// Runs every load point of <paramref name="run"/> (each repeat in its own folder) on one deployment: a grid's
    /// points in order, a search's as <see cref="LoadSearch"/> chooses them, or the one load of a workload without a
    /// sweep. A point already complete is read back instead of run (unless forced); sweep.json is written after each.
    /// </summary>
    private async Task RunPointsAsync(
        Campaign campaign, IAgentSession session, PlannedRun run, ServerTracker tracker, Action<RunOutcome> record, CancellationToken cancellationToken)
    {
        var shared = new SharedDeployment();
        var journal = run.Workload.Sweep is null ? null : SweepJournal.Start(campaign.Settings.Name, campaign.Directory, run);
        try
        {
            var points = new PointSource(run, SearchFor(run, cancellationToken));
            while (points.Next() is { } next)
            {
                var runs = new List<PointRun>();
                foreach (var repeat in SweepPoints.Repeats(run))
                {
                    var (outcome, measured) = await RunPointAsync(campaign, session, run, next.Point, repeat, shared, tracker, cancellationToken).ConfigureAwait(false);
                    record(outcome);
                    runs.Add(measured);
                }

                if (journal is not null && next.Point is { } point)
                {
                    var summary = SweepPoints.Summarise(point, next.Why, runs, run.Workload.Slo);
                    points.Tried(new SearchTrial(point.Value, summary.MeetsSlo == true));
                    await WriteJournalAsync(journal, j => j.AddAsync(summary, cancellationToken), run, record).ConfigureAwait(false);
                }

                if (shared.Broken is { } broken)
                {
                    points.Broke(broken);
                }
            }

            if (journal is not null)
            {
                await WriteJournalAsync(journal, j => j.StopAsync(points.StopReason, cancellationToken), run, record).ConfigureAwait(false);
            }
        }
        finally
        {
            if (shared.Status is { } deployment && shared.Reachable)
            {
                await TearDownAsync(session, deployment.Id, tracker, run).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The search of <paramref name="run"/>, started where the performance model predicts its limit; null without one.</summary>
    private LoadSearch? SearchFor(PlannedRun run, CancellationToken cancellationToken)
    {
        if (run.Workload.Sweep is not { Search: true } sweep)
        {
            return null;
        }

        var (start, why) = predictor.SearchStart(run, cancellationToken);
        logger.LogInformation("Search of {Run}: {Why}", run.RelativePath, why);
        return new LoadSearch(sweep.Kind, sweep.Min ?? 1, sweep.Max ?? 1, start, why);
    }

    private async Task WriteJournalAsync(SweepJournal journal, Func<SweepJournal, Task> write, PlannedRun run, Action<RunOutcome> record)
    {
        try
        {
            await write(journal).ConfigureAwait(false);
        }
        catch (RunFolderWriteException local)
        {
            logger.LogError("sweep.json of {Run} was not written: {Reason}", run.RelativePath, local.Message);
            record(Outcome(run, RunOutcomeKind.Failed, local.Message, null, SweepRecord.File));
        }
    }

    /// <summary>One repeat of one point: read back when complete, else run on the shared deployment (deployed first if need be).</summary>
    private async Task<(RunOutcome, PointRun)> RunPointAsync(
        Campaign campaign, IAgentSession session, PlannedRun run, LoadPoint? point, int repeat, SharedDeployment shared,
        ServerTracker tracker, CancellationToken cancellationToken)
    {
        var folder = RunFolder.For(campaign.Directory, run, point, repeat);
        var name = PointName(run, point, repeat);
        if (!campaign.Settings.Force && folder.IsComplete)
        {
            var stored = await RunFolder.ReadAsync(Path.Combine(folder.Path, RunFolder.ResultFile), cancellationToken).ConfigureAwait(false);
            return (Outcome(run, RunOutcomeKind.Skipped, "already complete", stored.Metrics, name), new PointRun(stored.Metrics, null));
        }

        var pointRun = run with { Workload = SweepPoints.Workload(run.Workload, point) };
        var record = RunRecord.Planned(campaign.Settings.Name, pointRun, time.GetUtcNow()) with
        {
            SweepPoint = point?.Name,
            Repeat = run.Workload.Repeats > 1 ? repeat : null,
        };
        var slice = RunConfigSlice.For(campaign.Config, pointRun);
        if (shared.Broken is { } broken)
        {
            return await FailPointAsync(folder, shared.Facts(record), slice, $"not run: {broken}", shared.Status, name, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            // A folder that cannot be written fails the point before it costs any GPU time.
            folder.Prepare();
            if (shared.Status is null && await DeploySharedAsync(campaign, session, run, shared, tracker, cancellationToken).ConfigureAwait(false) is { } failed)
            {
                return await FailPointAsync(folder, shared.Facts(record), slice, failed.Reason, failed.Deployment, name, cancellationToken, failed.LogTail).ConfigureAwait(false);
            }

            return await MeasureAsync(campaign, session, pointRun, folder, shared, shared.Facts(record), slice, name, tracker, cancellationToken).ConfigureAwait(false);
        }
        catch (RunFolderWriteException local) when (!cancellationToken.IsCancellationRequested)
        {
            // This machine's disk, not the agent: the box keeps any result until acknowledged; the next point may well be written.
            return await FailPointAsync(folder, shared.Facts(record), slice, local.Message, shared.Status, name, cancellationToken).ConfigureAwait(false);
        }
        catch (AgentApiException api) when (!cancellationToken.IsCancellationRequested)
        {
            // The agent refused something (a layout that does not fit its GPUs, a deployment no longer ready): no further point runs on it.
            shared.Broken = api.Message;
            return await FailPointAsync(folder, shared.Facts(record), slice, api.Message, shared.Status, name, cancellationToken).ConfigureAwait(false);
        }
        catch (AgentLostException lost)
        {
            shared.Reachable = false;
            await FailPointAsync(folder, shared.Facts(record), slice, lost.Message, shared.Status, name, cancellationToken).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex) when (IsTransport(ex, cancellationToken))
        {
            shared.Reachable = false;
            var lost = new AgentLostException(ex);
            await FailPointAsync(folder, shared.Facts(record), slice, lost.Message, shared.Status, name, cancellationToken).ConfigureAwait(false);
            throw lost;
        }
    }

    private sealed record DeployFailure(string Reason, DeploymentStatus? Deployment, string? LogTail);

    /// <summary>Deploys the run and waits for it; null once ready, else why not (the deployment torn down, <see cref="SharedDeployment.Broken"/> set).</summary>
    private async Task<DeployFailure?> DeploySharedAsync(
        Campaign campaign, IAgentSession session, PlannedRun run, SharedDeployment shared, ServerTracker tracker, CancellationToken cancellationToken)
    {
        tracker.Update(run.RelativePath, RunPhase.Deploying);
        var command = session.Tools.EngineCommand(run.Engine);
        if (command.Count == 0)
        {
            shared.Broken = "no simulator program on this box to run engine kind sim";
            return new DeployFailure(shared.Broken, null, null);
        }

        var deployment = await session.Client.DeployAsync(DeploymentFor(campaign, run, command), cancellationToken).ConfigureAwait(false);
        shared.Status = deployment;
        deployment = await WaitSettledAsync(session, deployment, tracker, run, campaign.Settings.PollInterval, cancellationToken).ConfigureAwait(false);
        shared.Status = deployment;
        var settled = deployment;
        shared.Facts = r => r with
        {
            DeploymentId = settled.Id,
            Provisioning = settled.Provisioning?.Result,
            EngineStartSeconds = settled.EngineStartSeconds,
            Warnings = settled.Warnings.Count > 0 ? settled.Warnings : null,
            EngineImage = settled.Engine?.Image ?? r.EngineImage,
        };
        if (deployment.State == DeploymentState.Ready)
        {
            return null;
        }

        var logTail = await TryGetLogAsync(session, deployment, campaign.Settings.EngineLogLines, cancellationToken).ConfigureAwait(false);
        await TearDownAsync(session, deployment.Id, tracker, run).ConfigureAwait(false);
        shared.Status = null;
        shared.Broken = $"engine did not start: {deployment.Error ?? deployment.State.ToString()}";
        return new DeployFailure(shared.Broken, deployment, logTail);
    }

    /// <summary>One point's load on the ready deployment: run, collect, write its folder, and only then let the box forget it.</summary>
    private async Task<(RunOutcome, PointRun)> MeasureAsync(
        Campaign campaign, IAgentSession session, PlannedRun run, RunFolder folder, SharedDeployment shared, RunRecord record, string slice,
        string name, ServerTracker tracker, CancellationToken cancellationToken)
    {
        var settings = campaign.Settings;
        var deployment = shared.Status!;
        // Beside the results, so a disk that cannot take them is found out here, and the move into the folder is a rename.
        var requestsFile = Path.Combine(campaign.Directory, $".requests-{Guid.NewGuid():N}.jsonl");
        try
        {
            tracker.Update(name, RunPhase.Running);
            var workload = await ShipDatasetAsync(session, run, cancellationToken).ConfigureAwait(false);
            var runId = await session.Client.StartRunAsync(new RunRequest(deployment.Id, workload), cancellationToken).ConfigureAwait(false);
            record = record with { RunId = runId };
            var result = await AwaitResultAsync(session, runId, run, tracker, settings.PollInterval, cancellationToken).ConfigureAwait(false);

            tracker.Update(name, RunPhase.Collecting);
            var hasRequests = await CallAsync(session, async c =>
            {
                var stream = LocalFileStream.Create(requestsFile);
                await using (stream.ConfigureAwait(false))
                {
                    return await c.CopyRequestsAsync(runId, stream, cancellationToken).ConfigureAwait(false);
                }
            }, cancellationToken).ConfigureAwait(false);
            var logTail = await TryGetLogAsync(session, deployment, settings.EngineLogLines, cancellationToken).ConfigureAwait(false);
            deployment = result.Deployment ?? deployment;

            var metrics = result.Benchmark is { ValueKind: JsonValueKind.Object } b ? ResultJson.Deserialize(b.GetRawText()) : null;
            var reason = FailureReason(result, metrics, settings.MaxFailedRequestFraction);
            await folder.WriteAsync(new RunArtifacts
            {
                Record = Completed(record, result, deployment, reason),
                Benchmark = result.Benchmark,
                BenchmarkText = result.BenchmarkText,
                RequestsFile = hasRequests ? requestsFile : null,
                ComposeYaml = deployment.Rendered.ComposeYaml,
                CommandText = deployment.Rendered.CommandText,
                SystemInfo = result.System,
                EngineLogTail = logTail,
                ConfigSlice = slice,
            }, cancellationToken).ConfigureAwait(false);

            // Only now that the result is on this disk may the box forget it.
            await CallAsync(session, async c => { await c.AcknowledgeAsync(runId, cancellationToken).ConfigureAwait(false); return true; }, cancellationToken).ConfigureAwait(false);
            var outcome = Outcome(run, reason is null ? RunOutcomeKind.Completed : RunOutcomeKind.Failed, reason, metrics, PointOf(name, run));
            return (outcome, new PointRun(metrics, reason));
        }
        finally
        {
            LocalFileStream.DeleteQuietly(requestsFile);
        }
    }

    /// <summary>The record of a run that ended: its state, and what the box and engine reported.</summary>
    private RunRecord Completed(RunRecord record, RunResult result, DeploymentStatus deployment, string? reason)
    {
        var engine = result.System?.Engine ?? deployment.Engine;
        return record with
        {
            State = reason is null ? RunRecord.Succeeded : RunRecord.Failed,
            Reason = reason,
            FinishedAt = result.FinishedAt ?? time.GetUtcNow(),
            GpuName = result.System?.Gpus.Gpus.FirstOrDefault()?.Name,
            GpuDriver = result.System?.Gpus.DriverVersion ?? result.System?.Gpus.Gpus.FirstOrDefault()?.DriverVersion,
            CudaVersion = result.System?.Gpus.CudaVersion,
            Cpu = result.System?.Cpu,
            EngineImage = engine?.Image ?? record.EngineImage,
            EngineImageDigest = engine?.ImageDigest,
            EngineVersion = engine?.Version,
            EngineTracing = engine?.Tracing,
            EngineTracingImage = engine?.TracingImage,
            Simulated = record.Simulated || engine?.Simulated == true || result.System?.Gpus.Simulated == true,
            AgentGpuBenchVersion = result.System?.GpuBenchVersion,
            GpuTelemetry = result.Gpus,
            EngineTelemetry = result.Engine,
        };
    }

    private async Task<(RunOutcome, PointRun)> FailPointAsync(
        RunFolder folder, RunRecord record, string slice, string reason, DeploymentStatus? deployment, string name,
        CancellationToken cancellationToken, string? logTail = null)
    {
        var outcome = await WriteFailureAsync(folder, record, slice, reason, deployment, cancellationToken, logTail).ConfigureAwait(false);
        outcome = outcome with { Point = PointOf(name, record) };
        return (outcome, new PointRun(null, outcome.Reason));
    }

    /// <summary>server/model/workload[/point][/repeat-k]: what the live view shows for a point.</summary>
    private static string PointName(PlannedRun run, LoadPoint? point, int repeat)
    {
        var name = point is null ? run.RelativePath : $"{run.RelativePath}/{point.Name}";
        return run.Workload.Repeats > 1 ? $"{name}/{RunFolder.RepeatFolder(repeat)}" : name;
    }

    /// <summary>The part of a point's name below the workload folder (c32, c32/repeat-2); null for the workload folder itself.</summary>
    private static string? PointOf(string name, PlannedRun run) => PointOf(name, run.RelativePath);

    private static string? PointOf(string name, RunRecord record) => PointOf(name, $"{record.Server}/{record.Model}/{record.Workload}");

    private static string? PointOf(string name, string workloadPath) => name.Length > workloadPath.Length ? name[(workloadPath.Length + 1)..] : null;

    private static DeploymentRequest DeploymentFor(Campaign campaign, PlannedRun run, IReadOnlyList<string> command) => new()
    {
        Campaign = campaign.Settings.Name,
        Run = run.RelativePath,
        Runtime = run.Server.Runtime,
        Layout = run.Layout,
        Engine = new EngineLaunch
        {
            Settings = run.Engine,
            Model = run.Model.Id,
            Command = [.. command],
            ModelCacheDir = run.Server.HfHome,
            Revision = run.Model.Revision,
            FilePatterns = [.. run.Model.Files],
            TrustRemoteCode = run.Model.TrustRemoteCode,
        },
        GatewayPolicy = run.Server.Gateway.Policy,
        HuggingFaceToken = campaign.Config.Secrets.ReadHfToken(),
    };

    private static string? FailureReason(RunResult result, ServingMetrics? metrics, double maxFailedFraction)
    {
        if (result.State != RunState.Succeeded)
        {
            return $"run {result.State.ToString().ToLowerInvariant()}: {result.Error ?? "no reason given"}";
        }

        if (metrics is null)
        {
            return "the run produced no benchmark result";
        }

        var total = metrics.Completed + metrics.Failed;
        return total > 0 && metrics.Failed > maxFailedFraction * total
            ? string.Create(CultureInfo.InvariantCulture, $"too many failed requests: {metrics.Failed} of {total}")
            : null;
    }

    private async Task<DeploymentStatus> WaitSettledAsync(
        IAgentSession session, DeploymentStatus status, ServerTracker tracker, PlannedRun run, TimeSpan poll, CancellationToken cancellationToken)
    {
        while (status.State == DeploymentState.Starting)
        {
            await Task.Delay(poll, time, cancellationToken).ConfigureAwait(false);
            var id = status.Id;
            status = await CallAsync(session, c => c.GetDeploymentAsync(id, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (status.Provisioning is { Result: null, Progress: { } transfer })
            {
                tracker.Update(run.RelativePath, RunPhase.Deploying, $"downloading {status.Provisioning.Model}: {transfer.Text}");
            }
            else if (status.ImagePull is { } pull)
            {
                tracker.Update(run.RelativePath, RunPhase.Deploying, $"pulling {run.Engine.Image}: {pull.Text}");
            }
        }

        return status;
    }

    /// <summary>
    /// Follows the progress feed for the live view, then fetches the result. A feed cut by a dropped link is not an
    /// error: the run goes on on the box, so the result is polled for once the agent can be reached again.
    /// </summary>
    private async Task<RunResult> AwaitResultAsync(
        IAgentSession session, string runId, PlannedRun run, ServerTracker tracker, TimeSpan poll, CancellationToken cancellationToken)
    {
        using var following = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = RenewLeaseAsync(session, following.Token);
        try
        {
            return await FollowAsync(session, runId, run, tracker, poll, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await following.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
        }
    }

    /// <summary>Renews the agent's lease every <see cref="LeaseRenewal"/> while a run goes on; a failed renewal is the feed's to notice.</summary>
    private async Task RenewLeaseAsync(IAgentSession session, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(LeaseRenewal, time, cancellationToken).ConfigureAwait(false);
                try
                {
                    await session.Client.RenewLeaseAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsTransport(ex, cancellationToken) || ex is AgentApiException)
                {
                    logger.LogDebug("Could not renew the agent's lease: {Reason}", ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run ended.
        }
    }

    private async Task<RunResult> FollowAsync(
        IAgentSession session, string runId, PlannedRun run, ServerTracker tracker, TimeSpan poll, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var progress in session.Client.FollowProgressAsync(runId, cancellationToken).ConfigureAwait(false))
            {
                tracker.Requests(run.RelativePath, progress);
            }
        }
        catch (Exception ex) when (IsTransport(ex, cancellationToken) || ex is JsonException or TimeoutException)
        {
            logger.LogWarning("The progress feed of {Run} broke ({Reason}); waiting for its result", run.RelativePath, ex.Message);
        }

        while (true)
        {
            var result = await CallAsync(session, c => c.GetRunResultAsync(runId, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (result is not null)
            {
                return result;
            }

            await Task.Delay(poll, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Calls the agent; a transport error waits for the session to recover and retries, else the agent is lost.</summary>
    private static async Task<T> CallAsync<T>(IAgentSession session, Func<AgentClient, Task<T>> call, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await call(session.Client).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransport(ex, cancellationToken))
            {
                if (!await session.RecoverAsync(ex, cancellationToken).ConfigureAwait(false))
                {
                    throw new AgentLostException(ex);
                }
            }
        }
    }

    private async Task TearDownAsync(IAgentSession session, string deploymentId, ServerTracker tracker, PlannedRun run)
    {
        tracker.Update(run.RelativePath, RunPhase.TearingDown);

        // Even when the campaign is being cancelled: GPUs must not be left holding an engine.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await CallAsync(session, c => c.DeleteDeploymentAsync(deploymentId, timeout.Token), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AgentLostException or AgentApiException or OperationCanceledException)
        {
            logger.LogWarning("Could not tear down deployment {Deployment} of {Run}: {Reason}", deploymentId, run.RelativePath, ex.Message);
        }
    }

    /// <summary>The end of every replica's engine log, each under a header naming the replica and its GPUs.</summary>
    private async Task<string?> TryGetLogAsync(IAgentSession session, DeploymentStatus deployment, int lines, CancellationToken cancellationToken)
    {
        var text = new System.Text.StringBuilder();
        foreach (var replica in deployment.Replicas)
        {
            try
            {
                var log = await CallAsync(session, c => c.GetLogAsync(deployment.Id, replica.Index, lines, cancellationToken), cancellationToken).ConfigureAwait(false);
                text.Append(CultureInfo.InvariantCulture, $"=== replica {replica.Index} (GPU {string.Join(',', replica.GpuIds)}) ===\n").Append(log);
                if (log.Length > 0 && log[^1] != '\n')
                {
                    text.Append('\n');
                }
            }
            catch (AgentApiException ex)
            {
                logger.LogWarning("No engine log for replica {Replica} of deployment {Deployment}: {Reason}", replica.Index, deployment.Id, ex.Message);
            }
        }

        return text.Length == 0 ? null : text.ToString();
    }

    private async Task<RunOutcome> WriteFailureAsync(
        RunFolder folder, RunRecord record, string slice, string reason, DeploymentStatus? deployment,
        CancellationToken cancellationToken, string? logTail = null)
    {
        logger.LogWarning("Run {Server}/{Model}/{Workload} failed: {Reason}", record.Server, record.Model, record.Workload, reason);
        try
        {
            await folder.WriteAsync(new RunArtifacts
            {
                Record = record with { State = RunRecord.Failed, Reason = reason, FinishedAt = time.GetUtcNow() },
                ComposeYaml = deployment?.Rendered.ComposeYaml,
                CommandText = deployment?.Rendered.CommandText,
                EngineLogTail = logTail,
                ConfigSlice = slice,
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (RunFolderWriteException local)
        {
            // The outcome still carries the failure (summary table, exit code); only its file is missing.
            logger.LogError("The failure of {Server}/{Model}/{Workload} was not recorded on disk: {Reason}", record.Server, record.Model, record.Workload, local.Message);
            reason = reason == local.Message ? reason : $"{reason}; and {local.Message}";
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new RunOutcome(record.Server, record.Model, record.Workload, record.Layout, RunOutcomeKind.Failed, reason, null, null, null);
    }

    /// <summary>
    /// A run that cannot go on (agent unreachable or lost, not planned): every point and repeat not complete yet gets
    /// its failure.json; a search, which has no points left to name, gets the reason as sweep.json's stop reason.
    /// </summary>
    private async Task<List<RunOutcome>> RecordFailureAsync(Campaign campaign, PlannedRun run, string reason, CancellationToken cancellationToken)
    {
        var outcomes = new List<RunOutcome>();
        if (run.Workload.Sweep is { Search: true })
        {
            logger.LogWarning("Search {Run} stopped: {Reason}", run.RelativePath, reason);
            var journal = await ResumedJournalAsync(campaign, run, cancellationToken).ConfigureAwait(false);
            outcomes.Add(Outcome(run, RunOutcomeKind.Failed, reason, null));
            await WriteJournalAsync(journal, j => j.StopAsync(reason, cancellationToken), run, outcomes.Add).ConfigureAwait(false);
            return outcomes;
        }

        foreach (var point in SweepPoints.Grid(run.Workload))
        {
            foreach (var repeat in SweepPoints.Repeats(run))
            {
                var folder = RunFolder.For(campaign.Directory, run, point, repeat);
                if (folder.IsComplete)
                {
                    continue;
                }

                var pointRun = run with { Workload = SweepPoints.Workload(run.Workload, point) };
                var record = RunRecord.Planned(campaign.Settings.Name, pointRun, time.GetUtcNow()) with
                {
                    SweepPoint = point?.Name,
                    Repeat = run.Workload.Repeats > 1 ? repeat : null,
                };
                var (outcome, _) = await FailPointAsync(folder, record, RunConfigSlice.For(campaign.Config, pointRun), reason, null,
                    PointName(run, point, repeat), cancellationToken).ConfigureAwait(false);
                outcomes.Add(outcome);
            }
        }

        return outcomes;
    }

    /// <summary>The search's sweep.json as the disk holds it (its points kept), or a new one.</summary>
    private static async Task<SweepJournal> ResumedJournalAsync(Campaign campaign, PlannedRun run, CancellationToken cancellationToken)
    {
        var path = SweepPoints.RecordPath(campaign.Directory, run);
        try
        {
            return new SweepJournal(path, await SweepRecord.ReadAsync(path, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return SweepJournal.Start(campaign.Settings.Name, campaign.Directory, run);
        }
    }

    /// <summary>A model the planner could not lay out on the server is a failed run too, with the planner's reason.</summary>
    private Task<List<RunOutcome>> RecordUnplannedAsync(Campaign campaign, UnplannedRun item, WorkloadSpec workload, CancellationToken cancellationToken)
    {
        var engine = campaign.Config.EngineFor(item.Server, item.Model);
        var run = new PlannedRun(item.Server, item.Model, workload, new Layout(0, 0, 0, []), engine, campaign.Config.PriceOf(item.Server.Gpu.Type));
        return RecordFailureAsync(campaign, run, $"not planned: {item.Reason}", cancellationToken);
    }

    /// <summary>How many outcomes a run reports: one per point and repeat (a search's at most <see cref="SweepSpec.MaxSearchPoints"/>).</summary>
    private static int ExpectedOutcomes(PlannedRun run) =>
        (run.Workload.Sweep is { Search: true } ? SweepSpec.MaxSearchPoints : SweepPoints.Grid(run.Workload).Count) * Math.Max(1, run.Workload.Repeats);

    private static RunOutcome Outcome(PlannedRun run, RunOutcomeKind kind, string? reason, ServingMetrics? metrics, string? point = null) =>
        new(run.Server.Name, run.Model.Name, run.Workload.Name, run.Layout.ToString(), kind, reason,
            metrics?.OutputThroughput, metrics?.TotalTokenThroughput, metrics?.Failed, point);

    /// <summary>How often the lease is renewed during a run: well within the agent's default lease of 10 minutes.</summary>
    public static readonly TimeSpan LeaseRenewal = TimeSpan.FromMinutes(1);

    private static bool IsTransport(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && ex is HttpRequestException or IOException or TaskCanceledException;

    /// <summary>Keeps one server's counters and tells the observer after every change.</summary>
    private sealed class ServerTracker(string server, ICampaignObserver observer)
    {
        private int _done;
        private int _failed;

        public int Total { get; set; }

        public void Finished(RunOutcome outcome)
        {
            _done++;
            _failed += outcome.Kind == RunOutcomeKind.Failed ? 1 : 0;
            Update(outcome.RelativePath, RunPhase.Finished, outcome.Reason);
        }

        public void Update(string? run, RunPhase phase, string? message = null) =>
            observer.OnProgress(new ServerProgress(server, run, phase, _done, Total, _failed, 0, 0, 0, 0, message));

        public void Requests(string run, RunProgress progress) =>
            observer.OnProgress(new ServerProgress(server, run, RunPhase.Running, _done, Total, _failed,
                progress.Completed, progress.Failed, progress.Total,
                progress.ElapsedSeconds > 0 ? progress.OutputTokens / progress.ElapsedSeconds : 0, progress.Message));
    }
}
