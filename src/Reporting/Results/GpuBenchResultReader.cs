using System.Text.Json;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Hardware;
using GpuBench.Core.Metrics;
using GpuBench.Core.Planning;
using GpuBench.Core.Results;
using GpuBench.Reporting.Import;
using GpuBench.Reporting.Runs;

namespace GpuBench.Reporting.Results;

/// <summary>
/// Reads one GpuBench run folder, results/&lt;campaign&gt;/&lt;server&gt;/&lt;model&gt;/&lt;workload&gt;/. The figures come from
/// result.json (vLLM's field names, with the campaign's <see cref="RunRecord"/> under "run"; or the agent's whole run
/// result with the figures under "benchmark"), else from benchmark.txt. What was run comes from the campaign's plan
/// (config.yml given to the report, else the config.yml slice the campaign keeps in the folder), else from the
/// folder's own files: result.json's "run", compose.yaml, command.txt, system-info.txt, and the server's name.
/// </summary>
public static class GpuBenchResultReader
{
    public const string ResultFile = "result.json";
    public const string TextBlockFile = "benchmark.txt";
    public const string RequestsFile = "requests.jsonl";
    public const string ComposeFile = "compose.yaml";
    public const string CommandFile = "command.txt";
    public const string SystemInfoFile = "system-info.txt";
    public const string ConfigSliceFile = "config.yml";

    /// <summary>result.json marks a run folder; benchmark.txt does when the folder has no result.json.</summary>
    public static bool IsRunResult(string path)
    {
        var name = Path.GetFileName(path);
        return name == ResultFile
            || (name == TextBlockFile && !File.Exists(Path.Combine(Path.GetDirectoryName(path)!, ResultFile)));
    }

    public static async Task<BenchmarkRun> ReadAsync(string root, string resultPath, RunPlan? plan, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(resultPath)!;
        var segments = Path.GetRelativePath(root, folder).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        string Segment(int fromEnd) => segments.Length >= fromEnd ? segments[^fromEnd] : "unknown";
        var (server, modelFolder, workloadName) = (Segment(3), Segment(2), Segment(1));

        RunFiles files;
        try
        {
            files = await RunFiles.ReadAsync(folder, resultPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new FormatException($"{resultPath}: {e.Message}", e);
        }

        var relativePath = $"{server}/{modelFolder}/{workloadName}";
        var planned = plan?.Runs.FirstOrDefault(r => r.RelativePath == relativePath)
            ?? SlicePlan(folder)?.Runs.FirstOrDefault(r => r.RelativePath == relativePath);
        var layout = planned?.Layout ?? files.Layout() ?? throw new FormatException(
            $"{folder}: the serving layout is unknown: pass the campaign's --config, or keep compose.yaml or result.json's deployment in the folder.");
        var serverName = ServerName.TryParse(server, out var named) ? named : null;
        var metrics = ServingResult.From(files.Metrics);
        return new BenchmarkRun
        {
            Model = planned?.Model.Id ?? files.ServedModel() ?? modelFolder,
            Server = server,
            GpuType = planned?.Server.Gpu.Type ?? files.GpuType() ?? serverName?.GpuType ?? "unknown",
            GpuCount = layout.TotalGpus,
            Layout = layout,
            Workload = planned is { Workload: var w }
                ? new RunWorkload(w.Name, w.InputLen, w.OutputLen, w.NumPrompts, w.MaxConcurrency ?? 0)
                : files.Workload(workloadName),
            Metrics = metrics,
            Dataset = files.Metrics.GpuBench?.Dataset,
            PrefixCache = files.Metrics.GpuBench?.PrefixCache,
            Hardware = files.Hardware(),
            Simulated = planned?.Engine.Kind == Core.Config.EngineKind.Sim || files.Simulated(),
            SourcePath = resultPath,
            RequestsPath = File.Exists(Path.Combine(folder, RequestsFile)) ? Path.Combine(folder, RequestsFile) : null,
        };
    }

    /// <summary>The plan of the config.yml slice a campaign keeps in each run folder; null when there is none or it does not validate.</summary>
    private static RunPlan? SlicePlan(string folder)
    {
        var path = Path.Combine(folder, ConfigSliceFile);
        return File.Exists(path) && ConfigLoader.Load(path).Config is { } config
            ? new RunPlanner(GpuCatalog.Default).Plan(config)
            : null;
    }

    /// <summary>What a run folder holds, each part optional but the figures.</summary>
    private sealed record RunFiles(
        ServingMetrics Metrics,
        RunResult? Result,
        RunRecord? Run,
        string? Compose,
        string? Command,
        string? SystemInfoContent)
    {
        private static readonly JsonSerializerOptions AgentJson = new(JsonSerializerDefaults.Web);

        public static async Task<RunFiles> ReadAsync(string folder, string resultPath, CancellationToken cancellationToken)
        {
            async Task<string?> Optional(string name)
            {
                var path = Path.Combine(folder, name);
                return File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : null;
            }

            var text = await File.ReadAllTextAsync(resultPath, cancellationToken).ConfigureAwait(false);
            ServingMetrics metrics;
            RunResult? result = null;
            RunRecord? run = null;
            if (Path.GetFileName(resultPath) == TextBlockFile)
            {
                metrics = BenchmarkTextBlock.Parse(text);
            }
            else
            {
                using var json = JsonDocument.Parse(text);
                if (json.RootElement.TryGetProperty("benchmark", out var benchmark))
                {
                    result = json.RootElement.Deserialize<RunResult>(AgentJson);
                    metrics = ResultJson.Deserialize(benchmark.GetRawText());
                }
                else
                {
                    metrics = ResultJson.Deserialize(text);
                    run = RunRecordJson.ReadFromResult(json.RootElement);
                }
            }

            return new RunFiles(
                metrics,
                result,
                run,
                result?.Deployment?.Rendered.ComposeYaml ?? await Optional(ComposeFile).ConfigureAwait(false),
                result?.Deployment?.Rendered.CommandText ?? await Optional(CommandFile).ConfigureAwait(false),
                await Optional(SystemInfoFile).ConfigureAwait(false));
        }

        public Layout? Layout()
        {
            if (Run is { Replicas: > 0, GpuIds.Count: > 0 } run)
            {
                return run.ToLayout();
            }

            if (Result?.Deployment is { Replicas.Count: > 0 } deployment)
            {
                var flags = CommandLineFlags.Parse(Command ?? "");
                return new Layout(
                    deployment.Replicas.Count,
                    flags.Int("--tensor-parallel-size") ?? 1,
                    flags.Int("--pipeline-parallel-size") ?? deployment.Replicas[0].GpuIds.Count,
                    [.. deployment.Replicas.Select(r => new ReplicaPlacement(r.Index, r.GpuIds))]);
            }

            try
            {
                return Compose is null ? null : ComposeLayout.Parse(Compose);
            }
            catch (FormatException)
            {
                return null;
            }
        }

        public string? ServedModel()
        {
            var flags = CommandLineFlags.Parse(Command ?? Compose ?? "");
            return Run?.ModelId ?? flags["--served-model-name"] ?? flags["--model"];
        }

        public string? GpuType() => Run?.GpuType ?? Result?.System?.Gpus.Gpus.FirstOrDefault()?.GpuType;

        public bool Simulated() =>
            Run?.Simulated == true
            || Result?.System?.Engine?.Simulated == true
            || Result?.System?.Gpus.Simulated == true
            || Result?.Deployment?.Engine?.Simulated == true;

        public HardwareInfo Hardware()
        {
            if (Result?.System is { } system)
            {
                var gpu = system.Gpus.Gpus.FirstOrDefault();
                return new HardwareInfo(gpu?.Name ?? "", system.Gpus.DriverVersion ?? gpu?.DriverVersion ?? "", system.Gpus.CudaVersion ?? "", system.Cpu);
            }

            var hardware = SystemInfoContent is null ? HardwareInfo.Unknown : SystemInfoText.Parse(SystemInfoContent);
            return Run?.GpuName is { Length: > 0 } name && hardware.GpuName.Length == 0 ? hardware with { GpuName = name } : hardware;
        }

        /// <summary>Without the plan, the workload is what the figures show: prompts sent, mean lengths, the concurrency limit.</summary>
        public RunWorkload Workload(string name)
        {
            if (Result?.Workload is { } w)
            {
                return new RunWorkload(w.Name, w.InputLen, w.OutputLen, w.NumPrompts, w.MaxConcurrency ?? 0);
            }

            var completed = Math.Max(1, Metrics.Completed);
            return new RunWorkload(
                name,
                (int)Math.Round((double)Metrics.TotalInputTokens / completed),
                (int)Math.Round((double)Metrics.TotalOutputTokens / completed),
                Metrics.Completed + Metrics.Failed,
                Metrics.MaxConcurrency ?? 0);
        }
    }
}
