using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using GpuBench.Agent.Deployments;
using GpuBench.Agent.Hosting;
using GpuBench.Agent.Inventory;
using GpuBench.Agent.Processes;
using GpuBench.Agent.Runtimes;
using GpuBench.Agent.Telemetry;
using GpuBench.Agent.Tests.Support;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Hardware;
using GpuBench.Core.Planning;
using GpuBench.Provisioning;
using GpuBench.TestSupport.Hub;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Tests.Deployments;

/// <summary>The deployment lifecycle against a scripted runtime whose replicas never answer.</summary>
public sealed class DeploymentManagerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gpubench-manager-").FullName;
    private readonly ChildReaper _reaper = new();
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddHttpClient()
        .AddLogging()
        .AddModelProvisioning(new ProvisioningOptions { MaxAttempts = 2, InitialRetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromMilliseconds(40) })
        .BuildServiceProvider();

    private sealed class SilentRuntime : IEngineRuntime
    {
        public ConcurrentBag<int> Started { get; } = [];
        public ConcurrentBag<int> Stopped { get; } = [];
        public RuntimeKind Kind => RuntimeKind.Process;

        /// <summary>Runs as a replica starts: what the box looks like at that moment.</summary>
        public Action<ReplicaSpec> OnStart { get; init; } = _ => { };

        public Task<EnginePreparation> PrepareAsync(DeploymentPlan plan, Action<ProvisioningTransfer> pullProgress, CancellationToken cancellationToken) =>
            Task.FromResult(EnginePreparation.Unchanged);

        public Task<ReplicaHandle> StartAsync(DeploymentPlan plan, ReplicaSpec replica, CancellationToken cancellationToken)
        {
            OnStart(replica);
            Started.Add(replica.Index);
            return Task.FromResult(new ReplicaHandle(replica.Index, $"fake-{replica.Index}", ""));
        }

        /// <summary>Calls that wait until the deployment is deleted, then fail as a transport does, not as a cancellation.</summary>
        public bool BreaksWhenDeleted { get; init; }

        public async Task<ReplicaExit?> GetExitAsync(ReplicaHandle handle, CancellationToken cancellationToken)
        {
            if (BreaksWhenDeleted)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
                throw new IOException("Connection refused");
            }

            return null;
        }

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

    private DeploymentManager Manager(SilentRuntime runtime, TestHubServer? hub = null)
    {
        var options = Options.Create(new AgentOptions
        {
            DataDirectory = _directory,
            SimulatedGpus = new() { Type = "h200", Count = 2 },
            HubEndpoint = hub?.HubAddress.ToString(),
        });
        return new DeploymentManager([runtime],
            new GpuInventoryProvider(new RecordedCommands([]), options, GpuCatalog.Default),
            new ReadinessProbe(_services.GetRequiredService<IHttpClientFactory>()),
            new ModelCacheProvisioner(_services, options, NullLogger<ModelCacheProvisioner>.Instance),
            options, new ChildTelemetry(new ConfigurationBuilder().Build()), _reaper, TimeProvider.System, NullLogger<DeploymentManager>.Instance)
        {
            PollInterval = TimeSpan.FromMilliseconds(50),
        };
    }

    private static DeploymentRequest Request(TimeSpan readyTimeout) =>
        Plans.Request(Layout.Consecutive(2, 1, 1), RuntimeKind.Process) with { ReadyTimeout = readyTimeout };

    private string HfHome => Path.Combine(_directory, "hf");

    /// <summary>A vLLM (or sim) deployment of a Hub model, cached in this test's HF_HOME; its replicas never serve.</summary>
    private DeploymentRequest HubModelRequest(string model, EngineKind kind = EngineKind.Vllm)
    {
        var request = Request(TimeSpan.FromMilliseconds(300));
        return request with
        {
            Engine = request.Engine with
            {
                Model = model,
                ServedModelName = null,
                ModelCacheDir = HfHome,
                Settings = request.Engine.Settings with { Kind = kind },
            },
        };
    }

    private static async Task<TestHubServer> HubWithTinyModelAsync(CancellationToken cancellationToken)
    {
        var hub = await TestHubServer.StartAsync(cancellationToken);
        var files = TinyFiles();
        hub.Add(new HubRepository(TinyModel)).Commit("main", files);
        hub.Add(new HubRepository(GatedModel) { GatedToken = "hf_granted" }).Commit("main", files);
        return hub;
    }

    private static Dictionary<string, byte[]> TinyFiles() => new()
    {
        ["config.json"] = Encoding.UTF8.GetBytes("""{"architectures":["TinyForCausalLM"]}"""),
        ["model.safetensors"] = HubRepository.Bytes(200_000, 7),
    };

    private const string TinyModel = "acme/tiny-model";
    private const string GatedModel = "acme/gated-model";

    private static async Task<DeploymentStatus> SettleAsync(DeploymentManager manager, DeploymentStatus created, CancellationToken cancellationToken)
    {
        await manager.Find(created.Id)!.Startup.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        return manager.Find(created.Id)!.Status();
    }

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
    public async Task Deleting_a_starting_deployment_cancels_it_and_stops_its_replicas() =>
        await AssertDeletedWhileStartingAsync(new SilentRuntime());

    [Fact]
    public async Task A_call_broken_by_the_deletion_leaves_the_deployment_stopped_not_failed() =>
        await AssertDeletedWhileStartingAsync(new SilentRuntime { BreaksWhenDeleted = true });

    /// <summary>Deletes a deployment once both its replicas started and before they serve: it ends Stopped, each replica stopped.</summary>
    private async Task AssertDeletedWhileStartingAsync(SilentRuntime runtime)
    {
        var ct = TestContext.Current.CancellationToken;
        var manager = Manager(runtime);
        var created = await manager.CreateAsync(Request(TimeSpan.FromMinutes(10)), ct);
        while (runtime.Started.Count < 2)
        {
            await Task.Delay(20, ct);
        }

        Assert.True(await manager.DeleteAsync(created.Id, ct));

        var status = manager.Find(created.Id)!.Status();
        Assert.True(status.State == DeploymentState.Stopped, $"{status.State}: {status.Error}");
        Assert.Null(status.Error);
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

    [Fact]
    public async Task A_vllm_deployment_provisions_the_model_into_the_cache_before_any_replica_starts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var hub = await HubWithTinyModelAsync(ct);
        var snapshots = Path.Combine(HfHome, "hub", "models--acme--tiny-model", "snapshots");
        var startedWith = new ConcurrentBag<(bool WeightsCached, IReadOnlyDictionary<string, string> Environment)>();
        var runtime = new SilentRuntime
        {
            OnStart = r => startedWith.Add((
                Directory.Exists(snapshots) && Directory.EnumerateFiles(snapshots, "model.safetensors", SearchOption.AllDirectories).Any(),
                r.Environment)),
        };
        var manager = Manager(runtime, hub);

        var status = await SettleAsync(manager, await manager.CreateAsync(HubModelRequest(TinyModel), ct), ct);

        var result = status.Provisioning?.Result;
        Assert.NotNull(result);
        Assert.Equal("downloaded", result.Outcome);
        Assert.Null(result.Error);
        Assert.Matches("^[0-9a-f]{40}$", result.Commit);
        Assert.Equal(TinyFiles().Values.Sum(f => (long)f.Length), result.BytesDownloaded);
        Assert.False(result.FromCache);
        Assert.True(result.DownloadMegabytesPerSecond > 0);
        Assert.Equal(result.DownloadBytesPerSecond / 1e6, result.DownloadMegabytesPerSecond, 6);
        var transfer = status.Provisioning!.Progress;
        Assert.NotNull(transfer);
        Assert.Equal((result.BytesDownloaded, result.BytesDownloaded), (transfer.BytesDone, transfer.BytesTotal));
        // What the controller reads back from GET /deployments/{id}.
        var wire = JsonSerializer.Deserialize<DeploymentStatus>(JsonSerializer.Serialize(status, ContractJson.Options), ContractJson.Options);
        Assert.Equal(status.Provisioning, wire?.Provisioning);
        // The deployment's token went to the Hub, never to the CDN the weights were redirected to.
        Assert.All(hub.Requests.Where(r => r.Server == "hub"), r => Assert.Equal($"Bearer {Plans.HfToken}", r.Authorization));
        Assert.All(hub.Requests.Where(r => r.Server == "cdn"), r => Assert.Null(r.Authorization));
        Assert.Equal(2, startedWith.Count);
        Assert.All(startedWith, s =>
        {
            Assert.True(s.WeightsCached);
            Assert.Equal(HfHome, s.Environment[DeploymentPlanner.HfHomeVariable]);
            Assert.Equal("1", s.Environment[DeploymentPlanner.HfHubOfflineVariable]);
        });
        // Provisioning succeeded; the deployment then failed only because the scripted replicas never serve.
        Assert.Contains("did not serve", status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_deployment_of_a_cached_model_transfers_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var hub = await HubWithTinyModelAsync(ct);
        var manager = Manager(new SilentRuntime(), hub);
        var first = await SettleAsync(manager, await manager.CreateAsync(HubModelRequest(TinyModel), ct), ct);
        var fileRequests = hub.FileRequestCount;

        var second = await SettleAsync(manager, await manager.CreateAsync(HubModelRequest(TinyModel), ct), ct);

        var result = second.Provisioning?.Result;
        Assert.NotNull(result);
        Assert.Equal("already-present", result.Outcome);
        Assert.True(result.FromCache);
        Assert.Equal(0, result.BytesDownloaded);
        Assert.Equal(first.Provisioning!.Result!.Commit, result.Commit);
        Assert.Equal(fileRequests, hub.FileRequestCount);
    }

    [Fact]
    public async Task A_gated_model_without_a_token_fails_the_deployment_with_the_licence_message_and_starts_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var hub = await HubWithTinyModelAsync(ct);
        var runtime = new SilentRuntime();
        var manager = Manager(runtime, hub);

        var status = await SettleAsync(manager, await manager.CreateAsync(HubModelRequest(GatedModel) with { HuggingFaceToken = null }, ct), ct);

        Assert.Equal(DeploymentState.Failed, status.State);
        Assert.StartsWith($"Provisioning {GatedModel} failed: HTTP 401", status.Error, StringComparison.Ordinal);
        Assert.Contains("accept the licence", status.Error, StringComparison.Ordinal);
        Assert.Equal("failed", status.Provisioning?.Result?.Outcome);
        Assert.Empty(runtime.Started);
    }

    [Fact]
    public async Task A_sim_deployment_does_not_provision()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var hub = await HubWithTinyModelAsync(ct);
        var runtime = new SilentRuntime { OnStart = r => Assert.False(r.Environment.ContainsKey(DeploymentPlanner.HfHubOfflineVariable)) };
        var manager = Manager(runtime, hub);

        var status = await SettleAsync(manager, await manager.CreateAsync(HubModelRequest(TinyModel, EngineKind.Sim), ct), ct);

        Assert.Null(status.Provisioning);
        Assert.Empty(hub.Requests);
        Assert.Equal([0, 1], runtime.Started.Order());
        Assert.False(Directory.Exists(HfHome));
    }

    public void Dispose()
    {
        _services.Dispose();
        _reaper.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
