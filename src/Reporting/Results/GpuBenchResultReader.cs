using System.Text.Json;
using GpuBench.Core.Config;
using GpuBench.Core.Hardware;
using GpuBench.Core.Planning;
using GpuBench.Core.Results;
using GpuBench.Reporting.Import;
using GpuBench.Reporting.Runs;

namespace GpuBench.Reporting.Results;

/// <summary>
/// Reads one GpuBench run folder (<see cref="RunFolder"/>) as a <see cref="BenchmarkRun"/>. The figures come from
/// result.json, else benchmark.txt. What ran comes from the folder's <see cref="RunRecord"/> and nothing else, so
/// the report of a folder does not depend on any config.yml. Only a folder without a record (benchmark.txt alone, or
/// a result.json without "run") is described by a plan: the campaign's, when the report was given its config, else
/// the plan of the config.yml slice kept in the folder, else what compose.yaml, command.txt and the folder's names say.
/// </summary>
public static class GpuBenchResultReader
{
    /// <summary>True for the file that marks a run folder with figures.</summary>
    public static bool IsRunResult(string path) => RunFolder.IsMarker(path);

    public static async Task<BenchmarkRun> ReadAsync(string root, string resultPath, RunPlan? plan, CancellationToken cancellationToken)
    {
        StoredRun stored;
        try
        {
            stored = await RunFolder.ReadAsync(resultPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new FormatException($"{resultPath}: {e.Message}", e);
        }

        return stored.Record is { } record ? FromRecord(stored, record) : FromFiles(root, stored, plan);
    }

    private static BenchmarkRun FromRecord(StoredRun stored, RunRecord record)
    {
        if (record.Replicas <= 0 || record.GpuIds.Count == 0)
        {
            throw new FormatException($"{stored.Marker}: the run record has no layout (replicas {record.Replicas}, gpu_ids {record.GpuIds.Count}).");
        }

        var layout = record.ToLayout();
        return new BenchmarkRun
        {
            Model = record.ModelId,
            Server = record.Server,
            GpuType = record.GpuType,
            GpuCount = layout.TotalGpus,
            Layout = layout,
            Workload = record.WorkloadParameters is { } workload ? Workload(workload) : WorkloadOfFormat1(stored, record.Workload),
            Slo = record.WorkloadParameters?.Slo,
            SweepPoint = record.SweepPoint is { } point ? LoadPoint.Parse(point) ?? throw new FormatException(
                $"{stored.Marker}: the run record's sweep_point '{point}' is not a load point (c<N> or r<RATE>).") : null,
            Repeat = record.Repeat ?? 1,
            GpuPowerW = GpuPower(record),
            Metrics = ServingResult.From(stored.Metrics),
            Dataset = stored.Metrics.GpuBench?.Dataset,
            PrefixCache = stored.Metrics.GpuBench?.PrefixCache,
            Turns = stored.Metrics.GpuBench?.Turns,
            Hardware = Hardware(stored, record),
            RecordedUsdPerGpuHour = (double?)record.PricePerGpuHour,
            Simulated = record.Simulated,
            SourcePath = stored.Marker,
            RequestsPath = stored.RequestsPath,
        };
    }

    /// <summary>
    /// The mean power of each GPU the layout used (telemetry "gpu.power" of source gpu&lt;id&gt;), added up; null unless
    /// every one of them was sampled. The agent samples every GPU of the box, so GPUs the layout left idle are not counted.
    /// </summary>
    private static double? GpuPower(RunRecord record)
    {
        var watts = record.GpuIds.SelectMany(ids => ids).Distinct()
            .Select(id => record.GpuTelemetry.FirstOrDefault(t =>
                t.Name == PowerTelemetry && t.Samples > 0 && t.Source == $"gpu{id.ToString(System.Globalization.CultureInfo.InvariantCulture)}"))
            .ToList();
        return watts.Count > 0 && watts.All(w => w is not null) ? watts.Sum(w => w!.Mean) : null;
    }

    /// <summary>The GPU telemetry series of board power, in W.</summary>
    public const string PowerTelemetry = "gpu.power";

    /// <summary>Format 1 recorded the workload's name only; its parameters are in the slice, as the run was given them.</summary>
    private static RunWorkload WorkloadOfFormat1(StoredRun stored, string name) =>
        stored.ConfigSlicePath is { } slice
        && ConfigLoader.Load(slice).Config?.Workloads.FirstOrDefault(w => w.Name == name) is { } workload
            ? Workload(workload)
            : MeasuredWorkload(stored, name);

    /// <summary>Format 2 records the box's driver, CUDA and CPU; format 1 left them to system-info.txt.</summary>
    private static HardwareInfo Hardware(StoredRun stored, RunRecord record)
    {
        var hardware = record.FormatVersion >= 2 || stored.SystemInfoText is null
            ? new HardwareInfo("", record.GpuDriver ?? "", record.CudaVersion ?? "", record.Cpu ?? "")
            : SystemInfoText.Parse(stored.SystemInfoText);
        return record.GpuName is { Length: > 0 } name && hardware.GpuName.Length == 0 ? hardware with { GpuName = name } : hardware;
    }

    private static BenchmarkRun FromFiles(string root, StoredRun stored, RunPlan? plan)
    {
        var segments = Path.GetRelativePath(root, stored.Folder).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        string Segment(int fromEnd) => segments.Length >= fromEnd ? segments[^fromEnd] : "unknown";
        var (server, modelFolder, workloadName) = (Segment(3), Segment(2), Segment(1));
        var relativePath = $"{server}/{modelFolder}/{workloadName}";
        var planned = plan?.Runs.FirstOrDefault(r => r.RelativePath == relativePath)
            ?? SlicePlan(stored)?.Runs.FirstOrDefault(r => r.RelativePath == relativePath);
        var layout = planned?.Layout ?? ComposedLayout(stored) ?? throw new FormatException(
            $"{stored.Folder}: the serving layout is unknown: pass the campaign's --config, or keep compose.yaml or config.yml in the folder.");
        var flags = CommandLineFlags.Parse(stored.CommandText ?? stored.ComposeYaml ?? "");
        return new BenchmarkRun
        {
            Model = planned?.Model.Id ?? flags["--served-model-name"] ?? flags["--model"] ?? modelFolder,
            Server = server,
            GpuType = planned?.Server.Gpu.Type ?? (ServerName.TryParse(server, out var named) ? named.GpuType : "unknown"),
            GpuCount = layout.TotalGpus,
            Layout = layout,
            Workload = planned is { Workload: var w } ? Workload(w) : MeasuredWorkload(stored, workloadName),
            Metrics = ServingResult.From(stored.Metrics),
            Dataset = stored.Metrics.GpuBench?.Dataset,
            PrefixCache = stored.Metrics.GpuBench?.PrefixCache,
            Turns = stored.Metrics.GpuBench?.Turns,
            Hardware = stored.SystemInfoText is null ? HardwareInfo.Unknown : SystemInfoText.Parse(stored.SystemInfoText),
            Simulated = planned?.Engine.Kind == EngineKind.Sim,
            SourcePath = stored.Marker,
            RequestsPath = stored.RequestsPath,
        };
    }

    /// <summary>The plan of the config.yml slice a campaign keeps in each run folder; null when there is none or it does not validate.</summary>
    private static RunPlan? SlicePlan(StoredRun stored) =>
        stored.ConfigSlicePath is { } path && ConfigLoader.Load(path).Config is { } config
            ? new RunPlanner(GpuCatalog.Default).Plan(config)
            : null;

    private static Layout? ComposedLayout(StoredRun stored)
    {
        try
        {
            return stored.ComposeYaml is null ? null : ComposeLayout.Parse(stored.ComposeYaml);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static RunWorkload Workload(WorkloadSpec w) => new(w.Name, w.InputLen, w.OutputLen, w.NumPrompts, w.MaxConcurrency ?? 0)
    {
        RequestRate = double.IsFinite(w.RequestRate) ? w.RequestRate : null,
    };

    /// <summary>Without a recorded workload, it is what the figures show: prompts sent, mean lengths, the concurrency limit.</summary>
    private static RunWorkload MeasuredWorkload(StoredRun stored, string name)
    {
        var metrics = stored.Metrics;
        var completed = Math.Max(1, metrics.Completed);
        return new RunWorkload(
            name,
            (int)Math.Round((double)metrics.TotalInputTokens / completed),
            (int)Math.Round((double)metrics.TotalOutputTokens / completed),
            metrics.Completed + metrics.Failed,
            metrics.MaxConcurrency ?? 0);
    }
}
