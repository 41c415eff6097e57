using System.Globalization;
using Docker.DotNet.Models;
using GpuBench.Agent.Runtimes;
using GpuBench.Agent.Runtimes.Docker;
using GpuBench.Agent.Telemetry;
using GpuBench.Agent.Tests.Support;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Planning;
using GpuBench.TestSupport;
using GpuBench.TestSupport.Otlp;
using YamlDotNet.Serialization;

namespace GpuBench.Agent.Tests.Deployments;

/// <summary>The agent driving a real dockerd: simulator containers built locally, no registry.</summary>
[Collection(AgentProcessCollection.Name)]
public sealed class DockerDeploymentTests(DockerFixture docker) : IClassFixture<DockerFixture>, IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("gpubench-agent-docker-").FullName;

    [Fact]
    public async Task Two_replica_containers_serve_a_run_through_the_gateway_match_compose_export_telemetry_and_leave_no_container()
    {
        Prerequisite.Require(docker.Unavailable is null, docker.Unavailable ?? "");
        var ct = TestContext.Current.CancellationToken;
        // The agent's collector listens on the box's loopback only, as the dashboard or an SSH tunnel's end does.
        await using var collector = await OtlpReceiver.StartAsync(ct);
        await using var agent = await StartExportingAgentAsync(collector, ct);

        var created = await agent.DeployAsync(Support.Deployments.Simulated(2, RuntimeKind.Docker, DockerFixture.Image), ct);
        var ready = await agent.WaitSettledAsync(created.Id, ct);

        Assert.True(ready.State == DeploymentState.Ready, $"{ready.State}: {ready.Error}\n{agent.Output}");
        Assert.StartsWith("sha256:", ready.Engine!.ImageDigest, StringComparison.Ordinal);
        var services = Services(ready.Rendered.ComposeYaml!);
        foreach (var replica in ready.Replicas)
        {
            var container = await docker.Client.Containers.InspectContainerAsync(replica.RuntimeId!, ct);
            var service = services[$"replica{replica.Index}"];
            Assert.Equal(service["image"], container.Config!.Image);
            Assert.Equal(List(service["command"]), container.Config.Cmd);
            var composeEnvironment = List(service["environment"]);
            // The simulator downloads nothing: neither compose nor the container has the HF token.
            Assert.DoesNotContain("HF_TOKEN", composeEnvironment);
            Assert.DoesNotContain(container.Config.Env, e => e.Contains(Support.Deployments.HfToken, StringComparison.Ordinal));
            Assert.All(composeEnvironment.Where(e => e.Contains('=', StringComparison.Ordinal)), e => Assert.Contains(e, container.Config.Env));
            Assert.Equal(service["network_mode"], container.HostConfig!.NetworkMode);
            Assert.Equal("host", container.HostConfig.IpcMode);
            Assert.Equal(long.Parse((string)service["shm_size"], CultureInfo.InvariantCulture), container.HostConfig.ShmSize);
            Assert.Empty(container.HostConfig.DeviceRequests ?? []);
            Assert.DoesNotContain("deploy", service.Keys);
            Assert.Equal("agent-tests", container.Config.Labels[DeploymentLabels.Campaign]);
        }

        var (result, _) = await Support.Deployments.RunAsync(agent, created.Id, ct);

        Assert.True(result.State == RunState.Succeeded, $"{result.State}: {result.Error}");
        Assert.Equal(12, result.Benchmark!.Value.GetProperty("completed").GetInt32());
        // Each container reached the loopback collector under its replica's own service name.
        foreach (var replica in ready.Replicas)
        {
            var service = ChildTelemetry.ReplicaServiceName(ready.Run, replica.Index);
            var reached = await collector.WaitForAsync(c => c.Services.Contains(service) ? service : null, TimeSpan.FromSeconds(30), ct);

            Assert.True(reached is not null,
                $"Nothing from {service} reached the collector at {collector.Endpoint}; from: {string.Join(", ", collector.Services)}.");
        }

        await agent.Client.DeleteAsync($"/deployments/{created.Id}", ct);

        Assert.Empty(await OursAsync(created.Id, ct));
        // Each container's log was kept for the results before the container went.
        Assert.All(ready.Replicas, r => Assert.True(File.Exists(Path.Combine(_dataDirectory, "deployments", created.Id, $"replica{r.Index}.log"))));
        Assert.DoesNotContain(Support.Deployments.Files(_dataDirectory), f => f.Text.Contains(Support.Deployments.HfToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Vllm_on_an_image_without_opentelemetry_serves_without_the_tracing_flag_and_the_status_says_why()
    {
        Prerequisite.Require(docker.Unavailable is null, docker.Unavailable ?? "");
        var ct = TestContext.Current.CancellationToken;
        await using var collector = await OtlpReceiver.StartAsync(ct);
        await using var agent = await StartExportingAgentAsync(collector, ct);
        var request = Support.Deployments.Simulated(1, RuntimeKind.Docker, DockerFixture.Image);
        // The simulator's image as a vLLM image: no Python, so no OpenTelemetry, and nothing can be installed into it.
        request = request with { Engine = request.Engine with { Settings = request.Engine.Settings with { Kind = EngineKind.Vllm } } };

        var created = await agent.DeployAsync(request, ct);
        var ready = await agent.WaitSettledAsync(created.Id, ct);
        try
        {
            Assert.True(ready.State == DeploymentState.Ready, $"{ready.State}: {ready.Error}\n{agent.Output}");
            Assert.Contains(ready.Warnings, w => w.StartsWith($"vLLM tracing is off for this deployment: {DockerFixture.Image} lacks the OpenTelemetry packages", StringComparison.Ordinal));
            Assert.False(ready.Engine!.Tracing);
            Assert.True(ready.EngineStartSeconds > 0);
            var container = await docker.Client.Containers.InspectContainerAsync(ready.Replicas[0].RuntimeId!, ct);
            Assert.DoesNotContain("--otlp-traces-endpoint", container.Config!.Cmd);
            // The box's engine cache is mounted, and vLLM's caches point into it.
            var cache = Path.Combine(_dataDirectory, "engine-cache");
            Assert.Contains($"{cache}:{cache}", container.HostConfig!.Binds);
            Assert.Contains($"VLLM_CACHE_ROOT={cache}/vllm", container.Config.Env);
        }
        finally
        {
            await agent.Client.DeleteAsync($"/deployments/{created.Id}", CancellationToken.None);
        }

        Assert.Empty(await OursAsync(created.Id, ct));
    }

    [Fact]
    public async Task Gpu_device_requests_reach_the_engine_api_as_compose_renders_them()
    {
        Prerequisite.Require(docker.Unavailable is null, docker.Unavailable ?? "");
        var ct = TestContext.Current.CancellationToken;
        var plan = Plans.Plan(Layout.Consecutive(2, 1, 2));
        var replica = plan.Replicas[1] with { Image = DockerFixture.Image, ModelCacheDir = null };
        var parameters = DockerContainerFactory.Create(replica, replica.SecretVariables.ToDictionary(v => v, v => plan.Secrets[v]));
        parameters.Name = $"gpubench-device-request-test-{Guid.NewGuid():n}";

        // Created, never started: this box has no NVIDIA runtime, but the daemon stores the request as given.
        var created = await docker.Client.Containers.CreateContainerAsync(parameters, ct);
        try
        {
            var container = await docker.Client.Containers.InspectContainerAsync(created.ID, ct);
            var device = (Dictionary<object, object>)((List<object>)((Dictionary<object, object>)((Dictionary<object, object>)
                ((Dictionary<object, object>)Services(ComposeRenderer.Render(plan))["replica1"]["deploy"])["resources"])["reservations"])["devices"])[0];
            var request = Assert.Single(container.HostConfig!.DeviceRequests);
            Assert.Equal(device["driver"], request.Driver);
            Assert.Equal(List(device["device_ids"]), request.DeviceIDs);
            Assert.Equal(List(device["capabilities"]), Assert.Single(request.Capabilities));
        }
        finally
        {
            await docker.Client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }, ct);
        }
    }

    [Fact]
    public async Task Agent_start_removes_containers_labelled_by_an_earlier_agent_and_never_others()
    {
        Prerequisite.Require(docker.Unavailable is null, docker.Unavailable ?? "");
        var ct = TestContext.Current.CancellationToken;
        var leftover = await CreateIdleAsync(new Dictionary<string, string> { [DeploymentLabels.Managed] = "true", [DeploymentLabels.Deployment] = "dead0001" }, ct);
        var foreign = await CreateIdleAsync(new Dictionary<string, string> { ["com.example.owner"] = "someone-else" }, ct);
        try
        {
            await using var agent = await AgentProcess.StartAsync(_dataDirectory, ct);

            var all = (await docker.Client.Containers.ListContainersAsync(new ContainersListParameters { All = true }, ct)).Select(c => c.ID).ToArray();
            Assert.DoesNotContain(leftover, all);
            Assert.Contains(foreign, all);
        }
        finally
        {
            await docker.Client.Containers.RemoveContainerAsync(foreign, new ContainerRemoveParameters { Force = true }, ct);
        }
    }

    /// <summary>An agent exporting its telemetry (and its engines') to <paramref name="collector"/> over OTLP/HTTP.</summary>
    private Task<AgentProcess> StartExportingAgentAsync(OtlpReceiver collector, CancellationToken ct) =>
        AgentProcess.StartAsync(_dataDirectory, ct, extraEnvironment: new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
        });

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Cleaned up with the temp directory later.
        }
    }

    private async Task<string> CreateIdleAsync(Dictionary<string, string> labels, CancellationToken ct) =>
        (await docker.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = DockerFixture.Image,
            Name = $"gpubench-test-{Guid.NewGuid():n}",
            Labels = labels,
        }, ct)).ID;

    private async Task<IList<ContainerListResponse>> OursAsync(string deploymentId, CancellationToken ct) =>
        await docker.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{DeploymentLabels.Deployment}={deploymentId}"] = true },
            },
        }, ct);

    private static Dictionary<string, Dictionary<object, object>> Services(string composeYaml)
    {
        var compose = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(composeYaml);
        return ((Dictionary<object, object>)compose["services"]).ToDictionary(s => (string)s.Key, s => (Dictionary<object, object>)s.Value);
    }

    private static List<string> List(object yaml) => [.. ((List<object>)yaml).Cast<string>()];
}
