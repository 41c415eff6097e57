using System.Net;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using GpuBench.Controller.Ssh;
using GpuBench.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace GpuBench.Controller.Tests.Ssh;

/// <summary>The real agent (this repository's build of src/Agent) brought up on the test's sshd "box".</summary>
public sealed class SshAgentSessionTests(SshdFixture sshd) : IClassFixture<SshdFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Real_agent_is_started_on_the_box_reached_through_the_forward_and_exports_otlp_back_through_the_box()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var agentBuild = AgentBuild();
        Prerequisite.Require(agentBuild is not null, "needs a build of src/Agent (dotnet build src/Agent; CI builds the solution)");
        // A local OTLP/HTTP receiver standing in for the dashboard: records the path of every export.
        var exports = Channel.CreateUnbounded<string>();
        await using var collector = await LoopbackHttpServer.StartAsync(app => app.MapPost("/v1/{signal}", (HttpRequest request) =>
        {
            exports.Writer.TryWrite(request.Path.Value!);
            return Results.Bytes([], "application/x-protobuf");
        }));
        var bundleDirectory = sshd.PathOf($"bundle-{Guid.NewGuid():N}");
        CopyDirectory(agentBuild!, Path.Combine(bundleDirectory, "agent"));
        var sessions = new SshAgentSessions(
            SshdFixture.Connector(),
            new BundleUploader(SshdFixture.Connector(), NullLogger<BundleUploader>.Instance),
            new RemoteAgentLauncher(NullLogger<RemoteAgentLauncher>.Instance, TimeProvider.System),
            NullLoggerFactory.Instance,
            TimeProvider.System);
        var spec = new AgentLaunchSpec
        {
            Executable = "agent/GpuBench.Agent",
            Environment = new Dictionary<string, string>
            {
                // The framework-dependent test build needs to find the runtime; a self-contained bundle does not.
                ["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            },
        };

        var session = await sessions.StartAsync(
            await sshd.PinnedOptionsAsync(), await AgentBundle.LoadAsync(bundleDirectory, Ct), spec,
            new Uri($"http://127.0.0.1:{collector.Port}"), Ct);
        try
        {
            Assert.True(session.Bundle.Uploaded);
            Assert.NotEqual(session.Agent.Port, session.AgentForward.LocalPort);
            using var http = new HttpClient();
            var health = await http.GetAsync(new Uri(session.AgentUri, "health"), Ct);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Healthy", await health.Content.ReadAsStringAsync(Ct));

            var export = await exports.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(60), Ct);
            Assert.StartsWith("/v1/", export, StringComparison.Ordinal);
            var environ = await File.ReadAllTextAsync($"/proc/{session.Agent.ProcessId}/environ", Ct);
            Assert.Contains($"OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:{session.TelemetryForward!.BoxPort}/\0", environ, StringComparison.Ordinal);
        }
        finally
        {
            await session.StopAsync(Ct);
        }

        Assert.False(Directory.Exists($"/proc/{session.Agent.ProcessId}"));
    }

    [Theory]
    [InlineData("http://localhost:4318", 20001, "http://localhost:20001/")]
    [InlineData("https://127.0.0.1:21268/otlp", 20002, "https://127.0.0.1:20002/otlp")]
    [InlineData("http://10.1.2.3:4318", 20003, "http://127.0.0.1:20003/")]
    public void Otlp_endpoint_as_the_box_sees_it_keeps_scheme_path_and_localhost(string local, int boxPort, string onBox) =>
        Assert.Equal(onBox, SshAgentSessions.OnBox(new Uri(local), boxPort).ToString());

    private static string? AgentBuild()
    {
        var candidates = new[] { "Debug", "Release" }
            .Select(c => Path.Combine(Fixtures.RepositoryRoot, "src", "Agent", "bin", c, "net10.0"))
            .Where(d => File.Exists(Path.Combine(d, "GpuBench.Agent.dll")) && File.Exists(Path.Combine(d, "GpuBench.Agent")))
            .OrderByDescending(d => File.GetLastWriteTimeUtc(Path.Combine(d, "GpuBench.Agent.dll")));
        return candidates.FirstOrDefault();
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
