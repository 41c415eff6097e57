using System.Diagnostics;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using GpuBench.Agent.Hosting;
using GpuBench.Agent.Runtimes;
using GpuBench.Agent.Runtimes.Docker;
using GpuBench.Agent.Telemetry;
using GpuBench.Agent.Tests.Support;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Tests.Runtimes.Docker;

/// <summary>
/// What the Docker runtime settles before a deployment's replicas start, and how it stops them, against the real
/// dockerd: images built locally (the simulator's, which has no Python and no shell, as a vLLM image without
/// OpenTelemetry whose extension cannot be built; the same with a `python3` that imports everything, as one with
/// OpenTelemetry), no registry reachable.
/// </summary>
public sealed class DockerEnginePreparationTests(DockerFixture docker) : IClassFixture<DockerFixture>, IDisposable
{
    private const string Collector = "http://127.0.0.1:4318";
    private static readonly string Checkout = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Fixtures.RepositoryRoot)))[..12];
    private readonly string _directory = Directory.CreateTempSubdirectory("gpubench-docker-prepare-").FullName;
    private readonly ChildTelemetry _telemetry = new(new ConfigurationBuilder().AddInMemoryCollection(
        [new("OTEL_EXPORTER_OTLP_ENDPOINT", Collector), new("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")]).Build());

    [Fact]
    public async Task A_pull_of_a_name_that_cannot_resolve_fails_at_once_with_the_daemons_error()
    {
        Prerequisite.Require(docker.Unavailable is null, docker.Unavailable ?? "");
        var plan = Plan(EngineKind.Vllm, "registry.gpubench.invalid/vllm/vllm-openai:v0.11.0");
        var reports = new List<ProvisioningTransfer>();

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Runtime().PrepareAsync(plan, reports.Add, TestContext.Current.CancellationToken));

        Assert.StartsWith("Docker could not pull registry.gpubench.invalid/vllm/vllm-openai:v0.11.0: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("registry.gpubench.invalid", error.Message["Docker could not pull registry.gpubench.invalid/vllm/vllm-openai:v0.11.0: ".Length..], StringComparison.Ordinal);
        Assert.DoesNotContain("No such image", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"failed only after {clock.Elapsed}");
    }

    [Fact]
    public async Task Vllm_on_an_image_without_opentelemetry_that_cannot_be_extended_starts_without_tracing_and_says_so()
    {
        Prerequisite.Require(docker.Unavailable is null, docker.Unavailable ?? "");
        var plan = Plan(EngineKind.Vllm, DockerFixture.Image);

        var prepared = await Runtime().PrepareAsync(plan, _ => { }, TestContext.Current.CancellationToken);
        var launch = Launch(_telemetry, prepared, plan);

        Assert.False(prepared.Tracing);
        Assert.Contains($"vLLM tracing is off for this deployment: {DockerFixture.Image} lacks the OpenTelemetry packages", prepared.Warning, StringComparison.Ordinal);
        Assert.Contains("adding them failed", prepared.Warning, StringComparison.Ordinal);
        Assert.DoesNotContain("--otlp-traces-endpoint", launch.EngineArguments);
        Assert.Null(prepared.Image);
    }

    [Fact]
    public async Task Vllm_on_an_image_that_has_opentelemetry_keeps_the_tracing_flag()
    {
        Prerequisite.Require(docker.Unavailable is null, docker.Unavailable ?? "");
        var image = $"gpubench/test-vllm-with-otel:{Checkout}";
        await BuildWithPythonAsync(image, labels: []);
        var plan = Plan(EngineKind.Vllm, image);

        var prepared = await Runtime().PrepareAsync(plan, _ => { }, TestContext.Current.CancellationToken);
        var launch = Launch(_telemetry, prepared, plan);

        Assert.True(prepared.Tracing);
        Assert.Null(prepared.Warning);
        Assert.Equal(image, launch.Image);
        Assert.Equal(["--otlp-traces-endpoint", $"{Collector}/v1/traces"], launch.EngineArguments.TakeLast(2));
    }

    [Fact]
    public async Task An_image_built_with_opentelemetry_for_a_base_image_is_found_again_and_run_instead_of_it()
    {
        Prerequisite.Require(docker.Unavailable is null, docker.Unavailable ?? "");
        var baseId = (await docker.Client.Images.InspectImageAsync(DockerFixture.Image, TestContext.Current.CancellationToken)).ID;
        var derived = $"{TracingImage.Repository}:{baseId["sha256:".Length..][..16]}";
        await BuildWithPythonAsync(derived, new Dictionary<string, string> { [TracingImage.BaseLabel] = baseId });
        try
        {
            var plan = Plan(EngineKind.Vllm, DockerFixture.Image);

            var prepared = await Runtime().PrepareAsync(plan, _ => { }, TestContext.Current.CancellationToken);
            var launch = Launch(_telemetry, prepared, plan);

            Assert.True(prepared.Tracing);
            Assert.Equal(derived, launch.Image);
            Assert.StartsWith($"{derived}@sha256:", prepared.TracingImage, StringComparison.Ordinal);
            Assert.Contains("--otlp-traces-endpoint", launch.EngineArguments);
        }
        finally
        {
            await docker.Client.Images.DeleteImageAsync(derived, new ImageDeleteParameters { Force = true }, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_replica_container_is_stopped_with_sigterm_and_its_shutdown_is_in_the_kept_log()
    {
        Prerequisite.Require(docker.Unavailable is null, docker.Unavailable ?? "");
        var ct = TestContext.Current.CancellationToken;
        var plan = Plan(EngineKind.Sim, DockerFixture.Image);
        var runtime = Runtime();
        var handle = await runtime.StartAsync(plan, plan.Replicas[0], ct);
        try
        {
            using var http = new HttpClient();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!await AnswersAsync(http, $"{plan.Replicas[0].Url}/health", ct))
            {
                Assert.True(DateTime.UtcNow < deadline, await runtime.GetLogTailAsync(handle, 40, ct));
                await Task.Delay(200, ct);
            }
        }
        finally
        {
            await runtime.StopAsync(handle, CancellationToken.None);
        }

        // The simulator's host logs this on SIGTERM only: SIGKILL gives it no chance to.
        Assert.Contains("Application is shutting down", await File.ReadAllTextAsync(handle.LogPath, ct), StringComparison.Ordinal);
        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => docker.Client.Containers.InspectContainerAsync(handle.RuntimeId, ct));
    }

    /// <summary>The first replica as it starts: on the prepared image, with its telemetry.</summary>
    private static ReplicaSpec Launch(ChildTelemetry telemetry, EnginePreparation prepared, DeploymentPlan plan)
    {
        var applied = prepared.Apply(plan);
        return telemetry.Apply(applied, applied.Replicas[0]).Replica;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private DockerRuntime Runtime() => new(
        Options.Create(new AgentOptions
        {
            DataDirectory = _directory,
            StopGracePeriod = TimeSpan.FromSeconds(20),
            ImagePullTimeout = TimeSpan.FromMinutes(2),
            ImageBuildTimeout = TimeSpan.FromMinutes(2),
        }),
        _telemetry, TimeProvider.System, NullLogger<DockerRuntime>.Instance);

    private static DeploymentPlan Plan(EngineKind kind, string image)
    {
        var request = Support.Deployments.Simulated(1, RuntimeKind.Docker, image);
        request = request with { Engine = request.Engine with { Settings = request.Engine.Settings with { Kind = kind } } };
        return DeploymentPlanner.Plan($"prep{Guid.NewGuid():n}"[..12], request, Plans.Gpus(1, simulated: true), ["gw"], "t", Core.Net.LoopbackPorts.Pick);
    }

    private static async Task<bool> AnswersAsync(HttpClient http, string url, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(url), ct);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>The simulator's image plus a shell and a `python3` whose every import succeeds: an image with OpenTelemetry, as the check sees it.</summary>
    private async Task BuildWithPythonAsync(string tag, Dictionary<string, string> labels)
    {
        using var context = new MemoryStream();
        using (var tar = new TarWriter(context, TarEntryFormat.Pax, leaveOpen: true))
        {
            var executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            Add(tar, "Dockerfile", Encoding.UTF8.GetBytes($"FROM {DockerFixture.Image}\nCOPY sh /bin/sh\nCOPY python3 /usr/bin/python3\n"), executable);
            Add(tar, "sh", await File.ReadAllBytesAsync("/usr/bin/dash", TestContext.Current.CancellationToken), executable);
            Add(tar, "python3", Encoding.UTF8.GetBytes("#!/bin/sh\nexit 0\n"), executable);
        }

        context.Position = 0;
        var errors = new List<string>();
        await docker.Client.Images.BuildImageFromDockerfileAsync(
            new ImageBuildParameters { Tags = [tag], Labels = labels, Dockerfile = "Dockerfile", Remove = true, ForceRemove = true },
            context, [], new Dictionary<string, string>(), new Progress<JSONMessage>(m => { if (m.Error?.Message is { } e) { errors.Add(e); } }),
            TestContext.Current.CancellationToken);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    private static void Add(TarWriter tar, string name, byte[] content, UnixFileMode mode) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content), Mode = mode });
}
