namespace GpuBench.Controller.Campaigns;

/// <summary>Where one server's current run stands.</summary>
public enum RunPhase
{
    Waiting,
    Connecting,
    Deploying,
    Running,
    Collecting,
    TearingDown,
    Finished,
}

/// <summary>One server's progress, as the live view shows it: the run under way and its request counters.</summary>
public sealed record ServerProgress(
    string Server,
    string? Run,
    RunPhase Phase,
    int RunsDone,
    int RunsTotal,
    int RunsFailed,
    int RequestsCompleted,
    int RequestsFailed,
    int RequestsTotal,
    double OutputTokensPerS,
    string? Message);

/// <summary>How a planned (or unplannable) run ended in this campaign.</summary>
public enum RunOutcomeKind
{
    Completed,

    /// <summary>Already complete from an earlier bench; not run again.</summary>
    Skipped,

    Failed,
}

/// <summary>One run's outcome, with the headline figures when it measured something.</summary>
public sealed record RunOutcome(
    string Server,
    string Model,
    string Workload,
    string Layout,
    RunOutcomeKind Kind,
    string? Reason,
    double? OutputTokensPerS,
    double? TotalTokensPerS,
    int? FailedRequests,
    string? Point = null)
{
    /// <summary>server/model/workload, then the point's folders below it (c32, c32/repeat-2) for a sweep's point.</summary>
    public string RelativePath => Point is null ? $"{Server}/{Model}/{Workload}" : $"{Server}/{Model}/{Workload}/{Point}";
}

/// <summary>Receives progress from the campaign's servers, from several threads at once.</summary>
public interface ICampaignObserver
{
    void OnProgress(ServerProgress progress);

    void OnOutcome(RunOutcome outcome);
}
