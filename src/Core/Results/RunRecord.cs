using System.Text.Json.Serialization;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Planning;

namespace GpuBench.Core.Results;

/// <summary>
/// What a run folder records about its run besides the figures: what was deployed where, with which workload, at what
/// price, by which engine and GpuBench version, on which hardware, when, and how it ended. The campaign writes it
/// (result.json carries it under "run"; failure.json is it alone) and the report reads it back and trusts it;
/// <see cref="RunRecordJson"/> is the one JSON form of both. A new field is one property here: every property is
/// written and read under its snake_case name, and a folder written before the field existed reads it as null
/// (or the property's default), so give new fields a nullable type or a default, never <c>required</c>.
/// </summary>
public sealed record RunRecord
{
    /// <summary>The <see cref="State"/> of a run that produced its figures.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>The <see cref="State"/> of a run recorded with a <see cref="Reason"/>.</summary>
    public const string Failed = "failed";

    /// <summary>The <see cref="State"/> of a record made before the run ended.</summary>
    public const string Running = "running";

    /// <summary>
    /// The <see cref="RunFolderFormat"/> version of the folder the record was written in. Absent in folders of
    /// format 1, which had no version, so it reads as 1; the writer stamps <see cref="RunFolderFormat.Current"/>.
    /// </summary>
    public int FormatVersion { get; init; } = RunFolderFormat.Unversioned;

    public required string Campaign { get; init; }
    public required string Server { get; init; }
    public required string Model { get; init; }

    /// <summary>The Hugging Face repository id of the model, as served.</summary>
    public required string ModelId { get; init; }

    /// <summary>The branch, tag or commit of the model's repository config.yml asked for; null for the default branch.</summary>
    public string? ModelRevision { get; init; }

    public required string Workload { get; init; }

    /// <summary>The load the run was driven with, every parameter as config.yml gave it; null in format 1.</summary>
    public WorkloadSpec? WorkloadParameters { get; init; }
    /// <summary>The sweep's load point the run measured (c32, r2.5: <see cref="LoadPoint.Name"/>); null for a workload without a sweep.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SweepPoint { get; init; }

    /// <summary>Which of the workload's repeats of the point this run is, from 1; null when the workload has one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Repeat { get; init; }

    public required string Layout { get; init; }
    public required int Replicas { get; init; }
    public required int TensorParallel { get; init; }
    public required int PipelineParallel { get; init; }

    /// <summary>GPU ids of each replica, as nvidia-smi numbers them.</summary>
    public required IReadOnlyList<IReadOnlyList<int>> GpuIds { get; init; }

    public required string GpuType { get; init; }
    public required int GpuCount { get; init; }

    /// <summary>The GPU as the box reports it (nvidia-smi's name), when known.</summary>
    public string? GpuName { get; init; }

    /// <summary>The box's NVIDIA driver and CUDA versions and CPU model, as the agent collected them; null in format 1.</summary>
    public string? GpuDriver { get; init; }

    public string? CudaVersion { get; init; }

    public string? Cpu { get; init; }

    public decimal? PricePerGpuHour { get; init; }
    public decimal? DollarsPerHour { get; init; }
    public required string Engine { get; init; }
    public required string EngineImage { get; init; }
    public string? EngineImageDigest { get; init; }
    public string? EngineVersion { get; init; }

    // The fields below are left out of the JSON when unset, so records written before them read back and write the same bytes.

    /// <summary>Whether vLLM exported its own spans (--otlp-traces-endpoint); null where that does not apply (simulator, no collector).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? EngineTracing { get; init; }

    /// <summary>The image built from <see cref="EngineImage"/> with OpenTelemetry added, when the replicas ran it (tag@id).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? EngineTracingImage { get; init; }

    /// <summary>Seconds from the first replica's start until every replica served the model.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? EngineStartSeconds { get; init; }

    /// <summary>What the run went without, and why (the deployment's warnings), e.g. vLLM's tracing; null when nothing.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Warnings { get; init; }
    public required bool Simulated { get; init; }
    public required RuntimeKind Runtime { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public required string GpuBenchVersion { get; init; }
    public string? AgentGpuBenchVersion { get; init; }
    public string? DeploymentId { get; init; }
    public string? RunId { get; init; }

    /// <summary><see cref="Succeeded"/>, <see cref="Failed"/> or, before the end, <see cref="Running"/>.</summary>
    public required string State { get; init; }

    /// <summary>Why the run failed; null when it succeeded.</summary>
    public string? Reason { get; init; }

    /// <summary>How the model got into the box's cache (commit, bytes, seconds, MB/s); null when nothing was provisioned.</summary>
    public ProvisioningOutcomeRecord? Provisioning { get; init; }

    public IReadOnlyList<TelemetrySummary> GpuTelemetry { get; init; } = [];
    public IReadOnlyList<TelemetrySummary> EngineTelemetry { get; init; } = [];

    /// <summary>The serving layout the record describes, rebuilt from its replica count, parallelism and GPU ids.</summary>
    public Layout ToLayout() => new(
        Replicas,
        Math.Max(1, TensorParallel),
        Math.Max(1, PipelineParallel),
        [.. GpuIds.Select((ids, i) => new ReplicaPlacement(i, ids))]);

    /// <summary>The record of <paramref name="run"/> before anything is known about how it goes.</summary>
    public static RunRecord Planned(string campaign, PlannedRun run, DateTimeOffset startedAt)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new RunRecord
        {
            Campaign = campaign,
            Server = run.Server.Name,
            Model = run.Model.Name,
            ModelId = run.Model.Id,
            ModelRevision = run.Model.Revision,
            Workload = run.Workload.Name,
            WorkloadParameters = run.Workload,
            Layout = run.Layout.ToString(),
            Replicas = run.Layout.Replicas,
            TensorParallel = run.Layout.TensorParallel,
            PipelineParallel = run.Layout.PipelineParallel,
            GpuIds = [.. run.Layout.Placements.Select(p => p.GpuIds)],
            GpuType = run.Server.Gpu.Type,
            GpuCount = run.Layout.TotalGpus,
            PricePerGpuHour = run.PricePerGpuHour,
            DollarsPerHour = run.DollarsPerHour,
            Engine = run.Engine.Kind == EngineKind.Sim ? "sim" : "vllm",
            EngineImage = run.Engine.Image,
            Simulated = run.Engine.Kind == EngineKind.Sim,
            Runtime = run.Server.Runtime,
            StartedAt = startedAt,
            GpuBenchVersion = Results.GpuBenchVersion.Current,
            State = Running,
        };
    }
}
