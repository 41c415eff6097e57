using System.Text.Json;
using GpuBench.Agent.Hosting;
using GpuBench.Agent.Runs;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Metrics;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Tests.Runs;

public sealed class RunStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gpubench-runstore-").FullName;

    private RunStore Store() => new(Options.Create(new AgentOptions { DataDirectory = _directory }));

    private static RunResult Result(string id) => new()
    {
        RunId = id,
        DeploymentId = "d1",
        Workload = new WorkloadSpec { Name = "inf", InputLen = 1000, OutputLen = 1000, NumPrompts = 1200, Endpoint = "/v1/chat/completions" },
        State = RunState.Succeeded,
        StartedAt = new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero),
        Benchmark = JsonSerializer.Deserialize<JsonElement>("""{"completed": 1200}"""),
        Gpus = [new TelemetrySummary("gpu.power", "W", "gpu0", 10, 412.5, 690)],
    };

    [Fact]
    public async Task A_result_survives_a_new_store_on_the_same_disk_until_acknowledged()
    {
        var ct = TestContext.Current.CancellationToken;
        await Store().SaveAsync(Result("run1"), ct);
        await Store().SaveRequestsAsync("run1", [new RequestRecord { Index = 0, PromptTokens = 10 }], ct);

        var reopened = Store();
        var loaded = await reopened.LoadAsync("run1", ct);

        Assert.Equal(["run1"], reopened.List());
        Assert.Equal(1200, loaded!.Benchmark!.Value.GetProperty("completed").GetInt32());
        Assert.True(double.IsPositiveInfinity(loaded.Workload.RequestRate));
        Assert.Equal(690, loaded.Gpus[0].Peak);
        Assert.NotNull(reopened.FindRequests("run1"));

        Assert.True(reopened.Delete("run1"));
        Assert.Null(await reopened.LoadAsync("run1", ct));
        Assert.Null(reopened.FindRequests("run1"));
        Assert.False(reopened.Delete("run1"));
    }

    [Fact]
    public async Task A_rewrite_replaces_the_result_whole_and_leaves_no_temporary_file()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = Store();
        await store.SaveAsync(Result("run2") with { State = RunState.Failed, Error = "first" }, ct);
        await store.SaveAsync(Result("run2"), ct);

        Assert.Equal(RunState.Succeeded, (await store.LoadAsync("run2", ct))!.State);
        Assert.Equal(["run2.json"], Directory.GetFiles(store.Directory).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Ids_that_are_not_run_ids_never_reach_the_file_system(string id)
    {
        Assert.Throws<ArgumentException>(() => Store().Delete(id));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
