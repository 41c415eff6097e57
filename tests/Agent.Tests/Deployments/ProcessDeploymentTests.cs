using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using GpuBench.Agent.Tests.Support;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Runtime;

namespace GpuBench.Agent.Tests.Deployments;

/// <summary>The agent as a process, deploying the simulator as child processes, and a gateway over them.</summary>
[Collection(AgentProcessCollection.Name)]
public sealed class ProcessDeploymentTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("gpubench-agent-test-").FullName;

    [Fact]
    public async Task Two_simulated_replicas_serve_a_run_through_the_gateway_and_nothing_outlives_the_deployment()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var agent = await AgentProcess.StartAsync(_dataDirectory, ct);

        var created = await agent.DeployAsync(Support.Deployments.Simulated(2, RuntimeKind.Process), ct);
        var ready = await agent.WaitSettledAsync(created.Id, ct);

        Assert.True(ready.State == DeploymentState.Ready, $"{ready.State}: {ready.Error}\n{agent.Output}");
        Assert.All(ready.Replicas, r => Assert.True(r.Ready));
        Assert.True(ready.Engine!.Simulated);
        var pids = ready.Replicas.Select(r => int.Parse(r.RuntimeId!, CultureInfo.InvariantCulture)).ToArray();
        // The simulator downloads nothing: it never gets the HF token.
        Assert.DoesNotContain(ProcessEnvironment(pids[0]), v => v.Contains(Support.Deployments.HfToken, StringComparison.Ordinal));
        Assert.Contains("CUDA_VISIBLE_DEVICES=1", ProcessEnvironment(pids[1]));
        // The agent's own secrets stay with it: children start from an allow-listed environment.
        Assert.DoesNotContain(ProcessEnvironment(pids[0]), v => v.StartsWith("Agent__Token=", StringComparison.Ordinal));
        Assert.DoesNotContain(ProcessEnvironment(pids[0]), v => v.StartsWith("Agent__", StringComparison.Ordinal));

        var (result, progress) = await Support.Deployments.RunAsync(agent, created.Id, ct);

        Assert.Equal(RunState.Succeeded, result.State);
        Assert.Contains("Successful requests:", result.BenchmarkText, StringComparison.Ordinal);
        Assert.Equal(12, result.Benchmark!.Value.GetProperty("completed").GetInt32());
        Assert.Contains(result.Engine, s => s.Name == "engine.requests.running" && s.Samples > 0);
        Assert.Equal(RunState.Succeeded, progress[^1].State);
        Assert.Equal(progress.Count, progress.Select(p => p.Sequence).Distinct().Count());

        using (var deleted = await agent.Client.DeleteAsync($"/deployments/{created.Id}", ct))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        Assert.Equal(DeploymentState.Stopped, (await agent.GetDeploymentAsync(created.Id, ct)).State);
        Assert.All(pids, pid => Assert.False(IsRunning(pid), $"replica process {pid} still runs"));

        // The result waits on disk until acknowledged, then is gone.
        var runId = result.RunId;
        Assert.Contains(runId, await agent.Client.GetFromJsonAsync<string[]>("/runs", ct) ?? []);
        var secretHolders = Support.Deployments.Files(_dataDirectory)
            .Where(f => f.Text.Contains(Support.Deployments.HfToken, StringComparison.Ordinal)).Select(f => f.Path).ToArray();
        Assert.Empty(secretHolders);
        Assert.DoesNotContain(Support.Deployments.HfToken, agent.Output, StringComparison.Ordinal);
        using (var ack = await agent.Client.DeleteAsync($"/runs/{runId}", ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, ack.StatusCode);
        }

        using var gone = await agent.Client.GetAsync($"/runs/{runId}", ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task An_engine_that_exits_at_start_fails_the_deployment_with_the_reason_and_its_log_tail()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var agent = await AgentProcess.StartAsync(_dataDirectory, ct);
        var request = Support.Deployments.Simulated(1, RuntimeKind.Process, extraArgs: ["--max-num-seqs", "plenty"]);

        var created = await agent.DeployAsync(request, ct);
        var failed = await agent.WaitSettledAsync(created.Id, ct);

        Assert.Equal(DeploymentState.Failed, failed.State);
        // Refused as vLLM's argparse refuses it (exit code 2): the reason names that, the log tail says why.
        const string refusal = "api_server.py: error: argument --max-num-seqs: invalid int value: 'plenty'";
        Assert.Contains("Replica 0 (GPU 0) stopped while starting: the engine process exited with code 2", failed.Error, StringComparison.Ordinal);
        Assert.Contains(refusal, failed.Error, StringComparison.Ordinal);
        Assert.Contains(refusal, await agent.Client.GetStringAsync($"/deployments/{created.Id}/logs?replica=0", ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_killed_mid_run_leaves_no_replica_or_gateway_running()
    {
        var ct = TestContext.Current.CancellationToken;
        var agent = await AgentProcess.StartAsync(_dataDirectory, ct);
        int[] pids;
        await using (agent)
        {
            var created = await agent.DeployReadyAsync(Support.Deployments.Simulated(2, RuntimeKind.Process), ct);
            pids = RecordedPids();
            Assert.Equal(3, pids.Length);
            var runId = await Support.Deployments.StartRunAsync(agent, created.Id, ct, Support.Deployments.SmallWorkload with { NumPrompts = 2000, MaxConcurrency = 2 });
            // Mid-run: requests completed (the first answer may come before the run's first event, empty).
            await WaitAsync(async () => await agent.Client.GetStringAsync($"/runs/{runId}", ct) is { Length: > 0 } text
                && System.Text.Json.JsonSerializer.Deserialize<RunProgress>(text, ContractJson.Options)!.Completed > 0, ct);

            agent.Crash();
        }

        // SIGKILL leaves the agent no chance to stop anything: its reaper does, within its grace period.
        await WaitAsync(() => Task.FromResult(!pids.Any(IsRunning)), ct);
        Assert.All(pids, pid => Assert.False(IsRunning(pid), $"process {pid} of the killed agent still runs"));
    }

    [Fact]
    public async Task An_agent_restarted_after_dying_with_its_reaper_stops_what_the_dead_agent_started()
    {
        var ct = TestContext.Current.CancellationToken;
        int[] pids;
        var first = await AgentProcess.StartAsync(_dataDirectory, ct);
        await using (first)
        {
            var created = await first.DeployAsync(Support.Deployments.Simulated(2, RuntimeKind.Process), ct);
            await WaitAsync(async () => (await first.GetDeploymentAsync(created.Id, ct)).Replicas.All(r => r.RuntimeId is not null), ct);
            pids = RecordedPids();
            first.Crash(withReaper: true);
        }

        Assert.All(pids, pid => Assert.True(IsRunning(pid), "with its reaper gone too, a dead agent's replicas outlive it until the next agent starts"));

        await using var second = await AgentProcess.StartAsync(_dataDirectory, ct);

        Assert.All(pids, pid => Assert.False(IsRunning(pid), $"replica process {pid} left by the dead agent still runs"));
        Assert.Contains("left by an earlier agent", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_agent_of_the_same_box_user_spares_the_replicas_and_gateway_of_a_live_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = await AgentProcess.StartAsync(_dataDirectory, ct);
        var created = await first.DeployReadyAsync(Support.Deployments.Simulated(1, RuntimeKind.Process), ct);
        var pids = RecordedPids();

        await using var second = await AgentProcess.StartAsync(_dataDirectory, ct);

        Assert.All(pids, pid => Assert.True(IsRunning(pid), $"process {pid} of the live agent was stopped by the second one"));
        Assert.DoesNotContain("left by an earlier agent", second.Output, StringComparison.Ordinal);
        var (result, _) = await Support.Deployments.RunAsync(first, created.Id, ct);
        Assert.Equal(RunState.Succeeded, result.State);
    }

    [Fact]
    public async Task An_agent_whose_controller_stops_calling_tears_its_deployment_down_when_the_lease_runs_out()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var agent = await AgentProcess.StartAsync(_dataDirectory, ct, extraEnvironment: new Dictionary<string, string> { ["Agent__Lease"] = "00:00:05" });
        var created = await agent.DeployReadyAsync(Support.Deployments.Simulated(1, RuntimeKind.Process), ct);
        var pids = RecordedPids();

        // Renewed while the controller calls ...
        for (var i = 0; i < 4; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            using var renewed = await agent.Client.PutAsync("/lease", null, ct);
            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        }

        Assert.All(pids, pid => Assert.True(IsRunning(pid), $"process {pid} stopped while the lease was renewed"));

        // ... and released once it stops: no call at all from here until the processes are gone.
        await WaitAsync(() => Task.FromResult(!pids.Any(IsRunning)), ct);
        Assert.All(pids, pid => Assert.False(IsRunning(pid), $"process {pid} outlived the lease"));
        await WaitAsync(async () => (await agent.GetDeploymentAsync(created.Id, ct)).State == DeploymentState.Stopped, ct);
        Assert.Equal(DeploymentState.Stopped, (await agent.GetDeploymentAsync(created.Id, ct)).State);
        Assert.Contains("the lease ran out", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deployment_that_would_mount_a_system_path_or_inject_code_is_refused_with_400_naming_why()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var agent = await AgentProcess.StartAsync(_dataDirectory, ct);
        var request = Support.Deployments.Simulated(1, RuntimeKind.Docker);
        request = request with
        {
            Engine = request.Engine with
            {
                ModelCacheDir = "/etc",
                Settings = request.Engine.Settings with { Env = new Dictionary<string, string> { ["LD_PRELOAD"] = "/tmp/x.so" } },
            },
        };

        using var response = await agent.Client.PostAsJsonAsync("/deployments", request, ContractJson.Options, ct);
        var body = await response.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("model cache '/etc' is a system path", body, StringComparison.Ordinal);
        Assert.Contains("engine env LD_PRELOAD is not allowed", body, StringComparison.Ordinal);
        Assert.Empty(await agent.Client.GetFromJsonAsync<DeploymentStatus[]>("/deployments", ContractJson.Options, ct) ?? []);
    }

    [Fact]
    public async Task Calls_without_the_token_are_refused_and_logged_while_health_stays_open()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var agent = await AgentProcess.StartAsync(_dataDirectory, ct);
        using var anonymous = new HttpClient { BaseAddress = agent.BaseUrl };

        using var none = await anonymous.GetAsync("/host/inventory", ct);
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/deployments");
        wrong.Headers.Authorization = new("Bearer", "not-the-token-7781");
        using var wrongAnswer = await anonymous.SendAsync(wrong, ct);
        using var health = await anonymous.GetAsync("/health", ct);
        var inventory = await agent.Client.GetFromJsonAsync<GpuInventory>("/host/inventory", ContractJson.Options, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.True(inventory!.Simulated);
        Assert.Equal(4, inventory.Gpus.Count);
        await agent.StopAsync();
        Assert.Contains("Refused GET /host/inventory", agent.Output, StringComparison.Ordinal);
        Assert.Contains("Refused POST /deployments", agent.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-token-7781", agent.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A log still being closed; the temp directory is cleaned up by the OS eventually.
        }
    }

    /// <summary>The pids of the replicas and gateways the agents of this data directory recorded.</summary>
    private int[] RecordedPids() =>
        [.. Directory.GetFiles(Path.Combine(_dataDirectory, "processes"), "*.json")
            .Select(path => System.Text.Json.JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("Process").GetString())
            .Select(line => ProcessIdentity.Parse(line)!.ProcessId)];

    private static async Task WaitAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!await condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, cancellationToken);
        }
    }

    private static string[] ProcessEnvironment(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);

    // A killed child of a dead parent may linger as a zombie until reaped: that is not running.
    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
