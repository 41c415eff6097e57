using GpuBench.Core.Config;
using GpuBench.Core.Planning;

namespace GpuBench.Reporting.Runs;

/// <summary>
/// One measured configuration, whichever tool produced it: a model served on <see cref="GpuCount"/> GPUs of one
/// type in one <see cref="Layout"/>, driven by one <see cref="Workload"/>.
/// </summary>
public sealed record BenchmarkRun
{
    /// <summary>The served model as the load generator named it (org/model), e.g. "QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ".</summary>
    public required string Model { get; init; }

    /// <summary>The box's name, e.g. "rtx4090_x_4".</summary>
    public required string Server { get; init; }

    /// <summary>The GPU type id used for prices and the catalog, e.g. "rtx4090".</summary>
    public required string GpuType { get; init; }

    public required int GpuCount { get; init; }

    public required Layout Layout { get; init; }

    public required RunWorkload Workload { get; init; }

    /// <summary>The latency targets the workload's load points are judged by; null for a workload without an SLO.</summary>
    public SloSpec? Slo { get; init; }

    /// <summary>The sweep's load point the run measured (its record's <c>sweep_point</c>); null outside a sweep.</summary>
    public LoadPoint? SweepPoint { get; init; }

    /// <summary>Which repeat of its load point the run is, from 1.</summary>
    public int Repeat { get; init; } = 1;

    /// <summary>
    /// The mean power the layout's GPUs drew during the run, added up over those GPUs (W), from the sampled GPU
    /// telemetry; null when a GPU of the layout had no power samples.
    /// </summary>
    public double? GpuPowerW { get; init; }

    /// <summary>The dataset the load generator recorded (name, file sha256, flags, sampled lengths); null in older files.</summary>
    public Core.Metrics.DatasetSummary? Dataset { get; init; }

    /// <summary>The engines' prefix-cache queries and hits over the timed window; null when not recorded.</summary>
    public Core.Metrics.PrefixCacheSummary? PrefixCache { get; init; }

    /// <summary>Multi-turn runs: the figures of each turn index; null otherwise.</summary>
    public IReadOnlyList<Core.Metrics.TurnMetrics>? Turns { get; init; }

    public required RunMetrics Metrics { get; init; }

    public HardwareInfo Hardware { get; init; } = HardwareInfo.Unknown;

    /// <summary>The $ per GPU-hour the run's record says it was benchmarked at; null when it recorded none.</summary>
    public double? RecordedUsdPerGpuHour { get; init; }

    /// <summary>True when the engine was GpuBench's simulator rather than a real vLLM.</summary>
    public bool Simulated { get; init; }

    /// <summary>The file the run was read from.</summary>
    public required string SourcePath { get; init; }

    /// <summary>Per-request records (requests.jsonl) when the run kept them.</summary>
    public string? RequestsPath { get; init; }

    /// <summary>Requests that did not complete: the failures the run recorded, or the shortfall against the prompts sent.</summary>
    public int FailedRequests => Math.Max(Metrics.Failed, Workload.NumPrompts - Metrics.Completed);

    public int RequestedPrompts => Math.Max(Workload.NumPrompts, Metrics.Completed + Metrics.Failed);

    /// <summary>A run that lost requests measured a different load than it was asked for: it is shown, never ranked.</summary>
    public bool IsValid => FailedRequests == 0 && Metrics.Completed > 0;

    public const string Ok = "ok";

    /// <summary>True when the figures carry a mark (invalid, simulated) that every table and chart must show.</summary>
    public bool IsFlagged => Simulated || !IsValid;

    /// <summary>What a reader must know before trusting the figures: "ok", "invalid: 221 of 1200 requests failed", "simulated".</summary>
    public string Status
    {
        get
        {
            var marks = new List<string>(2);
            if (Simulated)
            {
                marks.Add("simulated");
            }

            if (!IsValid)
            {
                marks.Add($"invalid: {FailedRequests} of {RequestedPrompts} requests failed");
            }

            return marks.Count == 0 ? Ok : string.Join("; ", marks);
        }
    }
}

/// <summary>The load a run was driven with.</summary>
public sealed record RunWorkload(string Name, int InputLen, int OutputLen, int NumPrompts, int MaxConcurrency)
{
    /// <summary>Requests per second; null when they were all sent at once (vLLM's <c>inf</c>) or not recorded.</summary>
    public double? RequestRate { get; init; }

    /// <summary>The load the run was driven at: its request rate when it had one, else its concurrency limit.</summary>
    public LoadPoint Load => RequestRate is { } rate ? new LoadPoint(LoadKind.RequestRate, rate) : new LoadPoint(LoadKind.MaxConcurrency, MaxConcurrency);
}

/// <summary>What the box was: GPU model, driver, CUDA, CPU. Fields are empty when the run did not record them.</summary>
public sealed record HardwareInfo(string GpuName, string Driver, string Cuda, string Cpu)
{
    public static HardwareInfo Unknown { get; } = new("", "", "", "");
}
