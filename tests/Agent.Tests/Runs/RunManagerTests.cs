using System.Net.Http.Json;
using System.Runtime.Versioning;
using GpuBench.Agent.Tests.Support;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.TestSupport;

namespace GpuBench.Agent.Tests.Runs;

/// <summary>What a run does when the box fails it after the load: a real hung program, a real unwritable disk.</summary>
[Collection(AgentProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class RunManagerTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("gpubench-agent-test-").FullName;
    private readonly ProgramsOnPath _tools = new();

    [Fact]
    public async Task A_hung_nvidia_smi_and_an_unwritable_results_folder_still_end_the_feed_with_a_failed_result_that_says_why()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var agent = await AgentProcess.StartAsync(_dataDirectory, ct,
            extraEnvironment: new Dictionary<string, string>(_tools.Environment) { ["Agent__CommandTimeout"] = "00:00:02" });
        var created = await agent.DeployReadyAsync(Support.Deployments.Simulated(1, RuntimeKind.Process), ct);

        // From now on nvidia-smi hangs (as on a box whose driver wedged) and the disk refuses the result.
        await _tools.WriteAsync("nvidia-smi", "exec sleep 600", ct);
        using var unwritable = UnwritableDirectory.Create(Path.Combine(_dataDirectory, "runs"));
        var runId = await Support.Deployments.StartRunAsync(agent, created.Id, ct);
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(ct);
        patience.CancelAfter(TimeSpan.FromMinutes(2));

        var progress = await Support.Deployments.FollowAsync(agent, runId, patience.Token);
        var result = await agent.Client.GetFromJsonAsync<RunResult>($"/runs/{runId}", ContractJson.Options, ct);

        Assert.Equal(RunState.Failed, progress[^1].State);
        Assert.Equal(RunState.Failed, result!.State);
        Assert.Contains("the result could not be saved on the box", result.Error, StringComparison.Ordinal);
        Assert.Equal(result.Error, progress[^1].Message);
        Assert.Contains(runId, await agent.Client.GetFromJsonAsync<string[]>("/runs", ct) ?? []);
        Assert.Contains("nvidia-smi --query-gpu", agent.Output, StringComparison.Ordinal);
        Assert.Contains("did not finish within 2 s", agent.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _tools.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A log still being closed; the temp directory is cleaned up by the OS eventually.
        }
    }
}
