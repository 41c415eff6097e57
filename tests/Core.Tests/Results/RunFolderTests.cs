using System.Text.Json;
using GpuBench.Core.Metrics;
using GpuBench.Core.Results;
using GpuBench.TestSupport;

namespace GpuBench.Core.Tests.Results;

public sealed class RunFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gpubench-runfolder-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_failure_is_not_complete_and_a_later_result_replaces_it_whole()
    {
        var (folder, record, slice) = Folder();
        await folder.WriteAsync(Failure(record, slice), Ct);

        Assert.False(folder.IsComplete);
        Assert.Equal(["config.yml", "engine.log", "failure.json"], TestRuns.Files(folder.Path));

        await folder.WriteAsync(Result(record, slice), Ct);

        Assert.True(folder.IsComplete);
        Assert.Equal(["benchmark.txt", "command.txt", "config.yml", "result.json"], TestRuns.Files(folder.Path));

        // vLLM's fields at the top, as vLLM's tools and the report read them; ours under "run".
        var text = await File.ReadAllTextAsync(Path.Combine(folder.Path, RunFolder.ResultFile), Ct);
        Assert.Equal(1, ResultJson.Deserialize(text).Completed);
        using var json = JsonDocument.Parse(text);
        var run = json.RootElement.GetProperty("run");
        Assert.Equal(("2 × 1", "Process", RunFolderFormat.Current), (run.GetProperty("layout").GetString(), run.GetProperty("runtime").GetString(), run.GetProperty("format_version").GetInt32()));

        // Nothing of the staging folders is left beside it.
        Assert.Equal(["tiny1"], Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(folder.Path)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_written_folder_reads_back_with_the_record_of_what_ran_and_the_workload()
    {
        var (folder, record, slice) = Folder();
        await folder.WriteAsync(Result(record, slice) with { RequestsFile = null }, Ct);

        var stored = await RunFolder.ReadAsync(Path.Combine(folder.Path, RunFolder.ResultFile), Ct);

        Assert.Equal(RunRecordJson.Serialize(record with { FormatVersion = RunFolderFormat.Current, State = RunRecord.Succeeded }), RunRecordJson.Serialize(stored.Record!));
        Assert.Equal([[0], [1]], stored.Record!.GpuIds.Select(ids => ids.ToArray()));
        Assert.Equal(("tiny1", 16, 8, 8, 4), (stored.Record.WorkloadParameters!.Name, stored.Record.WorkloadParameters.InputLen,
            stored.Record.WorkloadParameters.OutputLen, stored.Record.WorkloadParameters.NumPrompts, stored.Record.WorkloadParameters.MaxConcurrency));
        Assert.Equal(double.PositiveInfinity, stored.Record.WorkloadParameters.RequestRate);
        Assert.Equal(("v1", "vllm serve model"), (stored.Record.ModelRevision, stored.CommandText));
        Assert.Equal(1, stored.Metrics.Completed);
    }

    [Fact]
    public async Task A_folder_written_before_format_versions_reads_as_format_1()
    {
        var result = Fixtures.PathOf("run-folders", "format-1", "fixture", "sim-4090", "qwen", "tiny", RunFolder.ResultFile);

        var stored = await RunFolder.ReadAsync(result, Ct);

        var record = stored.Record!;
        Assert.Equal((RunFolderFormat.Unversioned, "2 × 1", 2, "rtx4090"), (record.FormatVersion, record.Layout, record.GpuCount, record.GpuType));
        Assert.Null(record.WorkloadParameters);
        Assert.Equal(8, stored.Metrics.Completed);
        Assert.NotNull(stored.ConfigSlicePath);
        Assert.NotNull(stored.RequestsPath);
        Assert.Contains("=== GPU INFORMATION ===", stored.SystemInfoText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_that_cannot_be_written_keeps_the_earlier_one_and_the_error_names_it()
    {
        var (folder, record, slice) = Folder();
        await folder.WriteAsync(Failure(record, slice), Ct);
        var before = await File.ReadAllTextAsync(Path.Combine(folder.Path, RunFolder.FailureFile), Ct);

        RunFolderWriteException error;
        using (ImmutableFolder.Make(Path.GetDirectoryName(folder.Path)!))
        {
            error = await Assert.ThrowsAsync<RunFolderWriteException>(() => folder.WriteAsync(Result(record, slice), Ct));
            Assert.Throws<RunFolderWriteException>(folder.Prepare);
        }

        Assert.Equal(folder.Path, error.Path);
        Assert.Contains(folder.Path, error.Message, StringComparison.Ordinal);
        Assert.False(folder.IsComplete);
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(folder.Path, RunFolder.FailureFile), Ct));
    }

    [Fact]
    public void Prepare_refuses_a_folder_under_a_file_naming_the_folder()
    {
        var (folder, _, _) = Folder();
        var server = Path.GetDirectoryName(Path.GetDirectoryName(folder.Path)!)!;
        Directory.CreateDirectory(Path.GetDirectoryName(server)!);
        File.WriteAllText(server, "a file where the server's folder goes");

        var error = Assert.Throws<RunFolderWriteException>(folder.Prepare);

        Assert.Contains(folder.Path, error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IOException>(error.InnerException);
    }

    [Fact]
    public void A_folder_being_written_is_not_a_run()
    {
        var staging = Directory.CreateDirectory(Path.Combine(_root, "c", "s", "m", ".tiny1.tmp-0123"));
        File.WriteAllText(Path.Combine(staging.FullName, RunFolder.ResultFile), "{}");
        var done = Directory.CreateDirectory(Path.Combine(_root, "c", "s", "m", "tiny1"));
        File.WriteAllText(Path.Combine(done.FullName, RunFolder.TextBlockFile), "");

        Assert.False(RunFolder.IsMarker(Path.Combine(staging.FullName, RunFolder.ResultFile)));
        Assert.True(RunFolder.IsMarker(Path.Combine(done.FullName, RunFolder.TextBlockFile)));
        File.WriteAllText(Path.Combine(done.FullName, RunFolder.ResultFile), "{}");
        Assert.False(RunFolder.IsMarker(Path.Combine(done.FullName, RunFolder.TextBlockFile)));
    }

    private (RunFolder Folder, RunRecord Record, string Slice) Folder()
    {
        var (config, run) = TestRuns.Plan(_root);
        var campaign = Path.Combine(_root, "results", "c");
        return (RunFolder.For(campaign, run), RunRecord.Planned("c", run, DateTimeOffset.UnixEpoch), RunConfigSlice.For(config, run));
    }

    private static RunArtifacts Failure(RunRecord record, string slice) => new()
    {
        Record = record with { State = RunRecord.Failed, Reason = "engine did not start: out of memory" },
        EngineLogTail = "CUDA out of memory",
        ConfigSlice = slice,
    };

    private static RunArtifacts Result(RunRecord record, string slice)
    {
        var metrics = MetricsCalculator.Compute(
            [new RequestRecord { Index = 0, StartS = 0, TtftS = 0.1, E2elS = 0.2, PromptTokens = 16, OutputTokens = 8, Success = true }], 1, new MetricsOptions());
        using var benchmark = JsonDocument.Parse(ResultJson.Serialize(metrics));
        return new RunArtifacts
        {
            Record = record with { State = RunRecord.Succeeded },
            Benchmark = benchmark.RootElement.Clone(),
            BenchmarkText = BenchmarkTextBlock.Format(metrics),
            CommandText = "vllm serve model",
            ConfigSlice = slice,
        };
    }
}
