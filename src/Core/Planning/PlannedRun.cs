using GpuBench.Core.Config;

namespace GpuBench.Core.Planning;

/// <summary>One benchmark run: <see cref="Model"/> deployed on <see cref="Server"/> in <see cref="Layout"/>, driven by <see cref="Workload"/>.</summary>
public sealed record PlannedRun(
    ServerSpec Server,
    ModelSpec Model,
    WorkloadSpec Workload,
    Layout Layout,
    EngineSettings Engine,
    decimal? PricePerGpuHour)
{
    /// <summary>What the GPUs this run uses cost per hour; null when config.yml has no price for the type ("no price", never $0).</summary>
    public decimal? DollarsPerHour => PricePerGpuHour * Layout.TotalGpus;

    /// <summary>server/model/workload: the run's folder under the campaign's results.</summary>
    public string RelativePath => $"{Server.Name}/{Model.Name}/{Workload.Name}";
}

/// <summary>A model the planner could not lay out on a server (for every workload), and why, with the numbers.</summary>
public sealed record UnplannedRun(ServerSpec Server, ModelSpec Model, IReadOnlyList<WorkloadSpec> Workloads, string Reason);

/// <summary>The run matrix of a campaign, in config.yml's order: servers, then their models, then their workloads.</summary>
public sealed record RunPlan(IReadOnlyList<PlannedRun> Runs, IReadOnlyList<UnplannedRun> Unplanned);
