using System.Collections.Concurrent;
using GpuBench.Agent.Deployments;
using GpuBench.Agent.Hosting;
using GpuBench.Agent.Inventory;
using GpuBench.Agent.Runtimes;
using GpuBench.Agent.Telemetry;
using GpuBench.Agent.Tests.Support;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Hardware;
using GpuBench.Core.Planning;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Tests.Deployments;

/// <summary>The deployment lifecycle against a scripted runtime whose replicas never answer.</summary>
public sealed class DeploymentManagerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gpubench-manager-").FullName;
    private readonly ServiceProvider _services = new ServiceCollection().AddHttpClient().BuildServiceProvider();

    private sealed class SilentRuntime : IEngineRuntime
    {
        public ConcurrentBag<int> Started { get; } = [];
        public ConcurrentBag<int> Stopped { get; } = [];
        public RuntimeKind Kind => RuntimeKind.Process;

        public Task<ReplicaHandle> StartAsync(DeploymentPlan plan, ReplicaSpec replica, CancellationToken cancellationToken)
        {
            Started.Add(replica.Index);
            return Task.FromResult(new ReplicaHandle(replica.Index, $"fake-{replica.Index}", ""));
        }

        public Task<ReplicaExit?> GetExitAsync(ReplicaHandle handle, CancellationToken cancellationToken) => Task.FromResult<ReplicaExit?>(null);

        public Task<string> GetLogTailAsync(ReplicaHandle handle, int lines, CancellationToken cancellationToken) =>
            Task.FromResult("Loading safetensors checkpoint shards: 40% Completed");

        public Task StopAsync(ReplicaHandle handle, CancellationToken cancellationToken)
        {
            Stopped.Add(handle.Index);
            return Task.CompletedTask;
        }

        public Task<int> RemoveLeftoversAsync(CancellationToken cancellationToken) => Task.FromResult(0);

        public Task<EngineIdentity> IdentifyAsync(DeploymentPlan plan, CancellationToken cancellationToken) =>
            Task.FromResult(new EngineIdentity("process", null, null, null, true));
    }

    private DeploymentManager Manager(SilentRuntime runtime)
    {
        var options = Options.Create(new AgentOptions { DataDirectory = _directory, SimulatedGpus = new() { Type = "h200", Count = 2 } });
        return new DeploymentManager([runtime],
            new GpuInventoryProvider(new RecordedCommands([]), options, GpuCatalog.Default),
            new ReadinessProbe(_services.GetRequiredService<IHttpClientFactory>()),
            options, new ChildTelemetry(new ConfigurationBuilder().Build()), TimeProvider.System, NullLogger<DeploymentManager>.Instance)
        {
            PollInterval = TimeSpan.FromMilliseconds(50),
        };
    }

    private static DeploymentRequest Request(TimeSpan readyTimeout) =>
        Plans.Request(Layout.Consecutive(2, 1, 1), RuntimeKind.Process) with { ReadyTimeout = readyTimeout };

    [Fact]
    public async Task Replicas_that_never_serve_fail_the_deployment_at_the_timeout_with_the_log_tail_and_are_stopped()
    {
        var ct = TestContext.Current.CancellationToken;
        var runtime = new SilentRuntime();
        var manager = Manager(runtime);

        var created = await manager.CreateAsync(Request(TimeSpan.FromSeconds(1)), ct);
        await manager.Find(created.Id)!.Startup.WaitAsync(TimeSpan.FromSeconds(60), ct);
        var status = manager.Find(created.Id)!.Status();

        Assert.Equal(DeploymentState.Failed, status.State);
        Assert.Contains("did not serve ibnzterrell/Meta-Llama-3.3-70B-Instruct-AWQ-INT4 within 00:00:01", status.Error, StringComparison.Ordinal);
        Assert.Contains("Loading safetensors checkpoint shards", status.Error, StringComparison.Ordinal);
        Assert.Equal([0, 1], runtime.Stopped.Order());
    }

    [Fact]
    public async Task Deleting_a_starting_deployment_cancels_it_and_stops_its_replicas()
    {
        var ct = TestContext.Current.CancellationToken;
        var runtime = new SilentRuntime();
        var manager = Manager(runtime);
        var created = await manager.CreateAsync(Request(TimeSpan.FromMinutes(10)), ct);
        while (runtime.Started.Count < 2)
        {
            await Task.Delay(20, ct);
        }

        Assert.True(await manager.DeleteAsync(created.Id, ct));

        Assert.Equal(DeploymentState.Stopped, manager.Find(created.Id)!.Status().State);
        Assert.Equal([0, 1], runtime.Stopped.Order());
    }

    [Fact]
    public async Task A_deployment_asking_for_gpus_in_use_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var manager = Manager(new SilentRuntime());
        var first = await manager.CreateAsync(Request(TimeSpan.FromMinutes(10)), ct);

        var error = await Assert.ThrowsAsync<DeploymentConflictException>(() => manager.CreateAsync(Request(TimeSpan.FromMinutes(10)), ct));

        Assert.Contains("GPU 0,1 is in use", error.Message, StringComparison.Ordinal);
        await manager.DeleteAsync(first.Id, ct);
    }

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
