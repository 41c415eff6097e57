using System.Text;
using System.Text.Json;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Planning;
using GpuBench.Core.Results;
using GpuBench.Reporting.Results;

namespace GpuBench.Controller.Campaigns;

/// <summary>Everything collected about one run, ready to be written to its folder.</summary>
public sealed record RunArtifacts
{
    public required RunRecord Record { get; init; }

    /// <summary>The load generator's result in vLLM's field names; null when no load ran.</summary>
    public JsonElement? Benchmark { get; init; }

    public string? BenchmarkText { get; init; }

    /// <summary>requests.jsonl as fetched from the agent (a local temporary file, moved into the folder).</summary>
    public string? RequestsFile { get; init; }

    public string? ComposeYaml { get; init; }
    public string? CommandText { get; init; }
    public SystemInfo? SystemInfo { get; init; }
    public string? EngineLogTail { get; init; }

    /// <summary>config.yml narrowed to this run.</summary>
    public required string ConfigSlice { get; init; }
}

/// <summary>
/// One run's folder, results/&lt;campaign&gt;/&lt;server&gt;/&lt;model&gt;/&lt;workload&gt;/, the layout src/Reporting reads.
/// A folder is written whole or not at all: every file goes to a sibling temporary folder that is renamed into
/// place, and result.json (or failure.json) is renamed in last, so its presence means the run is complete.
/// </summary>
public sealed class RunFolder(string campaignDirectory, string server, string model, string workload)
{
    public const string FailureFile = "failure.json";
    public const string EngineLogFile = "engine.log";
    public const string ConfigFile = "config.yml";

    public string Path { get; } = System.IO.Path.Combine(campaignDirectory, server, model, workload);

    public static RunFolder For(string campaignDirectory, PlannedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new RunFolder(campaignDirectory, run.Server.Name, run.Model.Name, run.Workload.Name);
    }

    /// <summary>A run is done when its result.json exists; a failed run is tried again by the next bench.</summary>
    public bool IsComplete => File.Exists(System.IO.Path.Combine(Path, GpuBenchResultReader.ResultFile));

    public async Task WriteAsync(RunArtifacts artifacts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(artifacts);
        var parent = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(parent);
        var staging = System.IO.Path.Combine(parent, $".{workload}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            await WriteFilesAsync(staging, artifacts, cancellationToken).ConfigureAwait(false);
            var (markerName, marker) = Marker(artifacts);

            // The old folder (a failure, or a result being redone with --force) goes only now that the new one is whole.
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }

            Directory.Move(staging, Path);
            await WriteAtomicallyAsync(System.IO.Path.Combine(Path, markerName), marker, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>Writes a text file through a temporary sibling and a rename, so readers see all of it or nothing.</summary>
    public static async Task WriteAtomicallyAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temp = $"{path}.tmp-{Guid.NewGuid():N}";
        await File.WriteAllTextAsync(temp, content, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
    }

    private static async Task WriteFilesAsync(string folder, RunArtifacts artifacts, CancellationToken cancellationToken)
    {
        async Task Write(string name, string? content)
        {
            if (!string.IsNullOrEmpty(content))
            {
                await File.WriteAllTextAsync(System.IO.Path.Combine(folder, name), content, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            }
        }

        await Write(GpuBenchResultReader.TextBlockFile, artifacts.BenchmarkText).ConfigureAwait(false);
        await Write(GpuBenchResultReader.ComposeFile, artifacts.ComposeYaml).ConfigureAwait(false);
        await Write(GpuBenchResultReader.CommandFile, artifacts.CommandText).ConfigureAwait(false);
        await Write(GpuBenchResultReader.SystemInfoFile, artifacts.SystemInfo is { } info ? SystemInfoFile.Format(info) : null).ConfigureAwait(false);
        await Write(EngineLogFile, artifacts.EngineLogTail).ConfigureAwait(false);
        await Write(ConfigFile, artifacts.ConfigSlice).ConfigureAwait(false);
        if (artifacts.RequestsFile is { } requests && File.Exists(requests))
        {
            File.Move(requests, System.IO.Path.Combine(folder, GpuBenchResultReader.RequestsFile));
        }
    }

    private static (string Name, string Content) Marker(RunArtifacts artifacts)
    {
        return artifacts.Record.Reason is not null || artifacts.Benchmark is not { ValueKind: JsonValueKind.Object } benchmark
            ? (FailureFile, RunRecordJson.Serialize(artifacts.Record))
            : (GpuBenchResultReader.ResultFile, RunRecordJson.SerializeResult(benchmark, artifacts.Record));
    }

    /// <summary>config.yml with only what produced this run: its server, model, workload, GPU price and engine command.</summary>
    public static string ConfigSlice(BenchConfig config, PlannedRun run)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(run);
        var price = config.Prices.Where(p => p.Key == run.Server.Gpu.Type).ToDictionary(p => p.Key, p => p.Value);
        // The engine command this run was started with, on its server, and no other: one that a docker or sim run
        // never ran, or that a more specific one replaced, would read back as an unused setting.
        var command = run.Engine.Kind == EngineKind.Vllm && run.Server.Runtime == RuntimeKind.Process ? run.Engine.Command : null;
        return ConfigWriter.ToYaml(config with
        {
            Prices = price,
            Engine = config.Engine with { Command = null },
            Workloads = [run.Workload],
            Models = [run.Model with { Engine = run.Model.Engine with { Command = null } }],
            Servers = [run.Server with
            {
                Models = [run.Model.Name],
                Workloads = [run.Workload.Name],
                Engine = run.Server.Engine with { Command = command },
            }],
        });
    }
}
