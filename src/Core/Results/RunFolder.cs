using System.Text.Json;
using GpuBench.Core.Config;
using GpuBench.Core.Metrics;
using GpuBench.Core.Planning;

namespace GpuBench.Core.Results;

/// <summary>
/// One run's folder, &lt;results_dir&gt;/&lt;campaign&gt;/&lt;server&gt;/&lt;model&gt;/&lt;workload&gt;/: the names of its files, how it is
/// written and how it is read back. See README.md beside this file for what each file holds.
/// </summary>
public sealed class RunFolder(string path)
{
    /// <summary>vLLM's --save-result fields with the <see cref="RunRecord"/> under "run"; its presence marks the run complete.</summary>
    public const string ResultFile = "result.json";

    /// <summary>The <see cref="RunRecord"/> of a failed run, in place of <see cref="ResultFile"/>.</summary>
    public const string FailureFile = "failure.json";

    public const string TextBlockFile = "benchmark.txt";
    public const string RequestsFile = "requests.jsonl";
    public const string ComposeFile = "compose.yaml";
    public const string CommandFile = "command.txt";
    public const string SystemInfoFile = "system-info.txt";
    public const string EngineLogFile = "engine.log";

    /// <summary>config.yml narrowed to the run (<see cref="RunConfigSlice"/>).</summary>
    public const string ConfigSliceFile = "config.yml";

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public static RunFolder For(string campaignDirectory, PlannedRun run) => new(WorkloadDirectory(campaignDirectory, run));

    /// <summary>
    /// The folder of one load point and repeat: &lt;workload&gt;/&lt;point&gt;/ (c32, r2.5) for a sweep's point, with
    /// repeat-&lt;k&gt;/ below it when the workload repeats each point; the workload folder itself for a workload
    /// without a sweep run once.
    /// </summary>
    public static RunFolder For(string campaignDirectory, PlannedRun run, LoadPoint? point, int repeat)
    {
        var path = WorkloadDirectory(campaignDirectory, run);
        if (point is not null)
        {
            path = System.IO.Path.Combine(path, point.Name);
        }

        return new RunFolder(run.Workload.Repeats > 1 ? System.IO.Path.Combine(path, RepeatFolder(repeat)) : path);
    }

    /// <summary>&lt;campaign&gt;/&lt;server&gt;/&lt;model&gt;/&lt;workload&gt;/: the run's folder, or the folder of its points and sweep.json.</summary>
    public static string WorkloadDirectory(string campaignDirectory, PlannedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return System.IO.Path.GetFullPath(System.IO.Path.Combine(campaignDirectory, run.Server.Name, run.Model.Name, run.Workload.Name));
    }

    /// <summary>repeat-&lt;k&gt;, k from 1.</summary>
    public static string RepeatFolder(int repeat) => $"repeat-{repeat.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>A run is done when its result.json exists; a failed run is tried again by the next bench.</summary>
    public bool IsComplete => File.Exists(System.IO.Path.Combine(Path, ResultFile));

    /// <summary>
    /// True for the file that marks a run folder with figures: result.json, or benchmark.txt in a folder without one
    /// (a run failed for too many failed requests, or a folder written by hand). A failed run without figures has
    /// nothing to report. Folders whose name starts with '.' are writes in progress and never runs.
    /// </summary>
    public static bool IsMarker(string file)
    {
        var folder = System.IO.Path.GetDirectoryName(file)!;
        return !System.IO.Path.GetFileName(folder).StartsWith('.') && System.IO.Path.GetFileName(file) switch
        {
            ResultFile => true,
            TextBlockFile => !File.Exists(System.IO.Path.Combine(folder, ResultFile)),
            _ => false,
        };
    }

    /// <summary>
    /// Makes sure the folder can be written before the run starts: creates the folders above it and writes, flushes
    /// and removes a hidden probe file there. A <see cref="RunFolderWriteException"/> when it cannot.
    /// </summary>
    public void Prepare()
    {
        var parent = System.IO.Path.GetDirectoryName(Path)!;
        var probe = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(Path)}.probe-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(parent);
            using (var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.WriteByte((byte)'\n');
                stream.Flush(flushToDisk: true);
            }

            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFolderWriteException(Path, e);
        }
    }

    /// <summary>
    /// Writes the folder whole or not at all: every file goes to a hidden sibling folder and is flushed to the disk,
    /// then that folder is renamed into place. An earlier folder of the run (a failure, or a result redone with
    /// --force) is moved aside first and deleted only once the new one is in place. Any local I/O error is a
    /// <see cref="RunFolderWriteException"/> naming the folder.
    /// </summary>
    public Task WriteAsync(RunArtifacts artifacts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(artifacts);
        return RunFolderWriteException.GuardAsync(Path, async () =>
        {
            var parent = System.IO.Path.GetDirectoryName(Path)!;
            var name = System.IO.Path.GetFileName(Path);
            Directory.CreateDirectory(parent);
            var staging = System.IO.Path.Combine(parent, $".{name}.tmp-{Guid.NewGuid():N}");
            var previous = System.IO.Path.Combine(parent, $".{name}.old-{Guid.NewGuid():N}");
            try
            {
                Directory.CreateDirectory(staging);
                await WriteFilesAsync(staging, artifacts, cancellationToken).ConfigureAwait(false);
                DurableFile.SyncDirectory(staging);
                if (Directory.Exists(Path))
                {
                    Directory.Move(Path, previous);
                }

                Directory.Move(staging, Path);
                DurableFile.SyncDirectory(parent);
            }
            finally
            {
                DeleteQuietly(staging);
            }

            DeleteQuietly(previous);
            return true;
        });
    }

    /// <summary>
    /// Reads what the folder holds; <paramref name="marker"/> is the file <see cref="IsMarker"/> found. The record comes
    /// from result.json's "run", else failure.json. Unreadable JSON, or a record without a field every record
    /// carries, is a <see cref="JsonException"/>.
    /// </summary>
    public static async Task<StoredRun> ReadAsync(string marker, CancellationToken cancellationToken)
    {
        var folder = new RunFolder(System.IO.Path.GetDirectoryName(marker)!);
        var text = await File.ReadAllTextAsync(marker, cancellationToken).ConfigureAwait(false);
        var (metrics, record) = System.IO.Path.GetFileName(marker) == TextBlockFile
            ? (BenchmarkTextBlock.Parse(text), await folder.FailureRecordAsync(cancellationToken).ConfigureAwait(false))
            : ReadResult(text);

        return new StoredRun
        {
            Folder = folder.Path,
            Marker = marker,
            Record = record,
            Metrics = metrics,
            RequestsPath = folder.Existing(RequestsFile),
            ConfigSlicePath = folder.Existing(ConfigSliceFile),
            ComposeYaml = await folder.OptionalAsync(ComposeFile, cancellationToken).ConfigureAwait(false),
            CommandText = await folder.OptionalAsync(CommandFile, cancellationToken).ConfigureAwait(false),
            SystemInfoText = await folder.OptionalAsync(SystemInfoFile, cancellationToken).ConfigureAwait(false),
        };
    }

    private static (ServingMetrics, RunRecord?) ReadResult(string text)
    {
        using var json = JsonDocument.Parse(text);
        return (ResultJson.Deserialize(text), RunRecordJson.ReadFromResult(json.RootElement));
    }

    private async Task<RunRecord?> FailureRecordAsync(CancellationToken cancellationToken) =>
        await OptionalAsync(FailureFile, cancellationToken).ConfigureAwait(false) is { } failure
            ? JsonSerializer.Deserialize<RunRecord>(failure, RunRecordJson.Options)
            : null;

    private string? Existing(string name)
    {
        var file = System.IO.Path.Combine(Path, name);
        return File.Exists(file) ? file : null;
    }

    private async Task<string?> OptionalAsync(string name, CancellationToken cancellationToken) =>
        Existing(name) is { } file ? await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false) : null;

    private static async Task WriteFilesAsync(string folder, RunArtifacts artifacts, CancellationToken cancellationToken)
    {
        async Task Write(string name, string? content)
        {
            if (!string.IsNullOrEmpty(content))
            {
                await DurableFile.WriteAsync(System.IO.Path.Combine(folder, name), content, cancellationToken).ConfigureAwait(false);
            }
        }

        await Write(TextBlockFile, artifacts.BenchmarkText).ConfigureAwait(false);
        await Write(ComposeFile, artifacts.ComposeYaml).ConfigureAwait(false);
        await Write(CommandFile, artifacts.CommandText).ConfigureAwait(false);
        await Write(SystemInfoFile, artifacts.SystemInfo is { } info ? SystemInfoFormat.Format(info) : null).ConfigureAwait(false);
        await Write(EngineLogFile, artifacts.EngineLogTail).ConfigureAwait(false);
        await Write(ConfigSliceFile, artifacts.ConfigSlice).ConfigureAwait(false);
        if (artifacts.RequestsFile is { } requests && File.Exists(requests))
        {
            var target = System.IO.Path.Combine(folder, RequestsFile);
            File.Move(requests, target);
            DurableFile.Sync(target);
        }

        var record = artifacts.Record with { FormatVersion = RunFolderFormat.Current };
        var (marker, content) = record.Reason is not null || artifacts.Benchmark is not { ValueKind: JsonValueKind.Object } benchmark
            ? (FailureFile, RunRecordJson.Serialize(record))
            : (ResultFile, RunRecordJson.SerializeResult(benchmark, record));
        await Write(marker, content).ConfigureAwait(false);
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover hidden folder is never read as a run; the error that matters, if any, is already on its way.
        }
    }
}
