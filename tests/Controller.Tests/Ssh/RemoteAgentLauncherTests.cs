using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text;
using GpuBench.Controller.Ssh;
using GpuBench.Core.Net;
using GpuBench.Core.Runtime;
using GpuBench.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace GpuBench.Controller.Tests.Ssh;

[SupportedOSPlatform("linux")]
public sealed class RemoteAgentLauncherTests(SshdFixture sshd) : IClassFixture<SshdFixture>
{
    // Stands in for the agent: records what it was given, then prints Kestrel's line and stays up.
    private const string FakeAgent = """
        #!/bin/sh
        printf '%s\0' "$@" > args.bin
        printf '%s' "$GPUBENCH_TEST_VALUE" > value.txt
        port="${ASPNETCORE_URLS##*:}"
        [ "$port" = 0 ] && port=41234
        echo "info: Microsoft.Hosting.Lifetime[14]"
        echo "      Now listening on: http://127.0.0.1:$port"
        exec sleep 600
        """;

    private static readonly RemoteAgentLauncher Launcher = new(NullLogger<RemoteAgentLauncher>.Instance, TimeProvider.System);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Agent_starts_detached_with_its_token_in_the_environment_only_and_its_port_read_back()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var bundle = await UploadAsync(FakeAgent);
        string[] arguments = ["--engine", "simulator; $(id) 'x' \"y\" `z` & | > *"];
        RemoteAgent agent;
        await using (var link = await sshd.LinkAsync())
        {
            agent = await Launcher.StartAsync(link, bundle, new AgentLaunchSpec
            {
                Executable = "agent/fake-agent",
                Arguments = arguments,
                Environment = new Dictionary<string, string> { ["GPUBENCH_TEST_VALUE"] = "$HOME `id` 'q'" },
            }, Ct);
        }

        try
        {
            // The SSH session that started it is gone; the agent is not.
            Assert.True(Directory.Exists($"/proc/{agent.ProcessId}"));
            Assert.Equal(41234, agent.Port);
            Assert.Equal(agent.ProcessId, SessionOf(agent.ProcessId));
            Assert.DoesNotContain(agent.Token, await File.ReadAllTextAsync($"/proc/{agent.ProcessId}/cmdline", Ct), StringComparison.Ordinal);
            Assert.Contains($"{RemoteAgentLauncher.TokenVariable}={agent.Token}\0", await File.ReadAllTextAsync($"/proc/{agent.ProcessId}/environ", Ct), StringComparison.Ordinal);
            Assert.Contains($"{RemoteAgentLauncher.UrlsVariable}=http://127.0.0.1:0\0", await File.ReadAllTextAsync($"/proc/{agent.ProcessId}/environ", Ct), StringComparison.Ordinal);
            Assert.DoesNotContain(agent.Token, agent.ToString(), StringComparison.Ordinal);

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(agent.Directory, "agent.env")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(agent.Directory));
            Assert.Equal(agent.ProcessId.ToString(CultureInfo.InvariantCulture), (await File.ReadAllTextAsync(Path.Combine(agent.Directory, "agent.pid"), Ct)).Trim());
            Assert.Contains("Now listening on", await File.ReadAllTextAsync(agent.LogPath, Ct), StringComparison.Ordinal);

            var received = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(Path.Combine(agent.Directory, "args.bin"), Ct)).Split('\0')[..^1];
            // Every argument arrives as given, then the setting that keeps the listening line in its log.
            Assert.Equal([.. arguments, LoopbackPorts.ListeningLineArgument], received);
            Assert.Equal("$HOME `id` 'q'", await File.ReadAllTextAsync(Path.Combine(agent.Directory, "value.txt"), Ct));

            await using var again = await sshd.LinkAsync();
            Assert.True(await Launcher.IsRunningAsync(again, agent, Ct));
            await Launcher.StopAsync(again, agent, TimeSpan.FromSeconds(5), Ct);
            Assert.False(await Launcher.IsRunningAsync(again, agent, Ct));
        }
        finally
        {
            KillQuietly(agent.ProcessId);
        }
    }

    [Fact]
    public async Task Port_passed_in_is_the_one_the_agent_is_told_and_reported()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var bundle = await UploadAsync(FakeAgent);
        await using var link = await sshd.LinkAsync();

        var agent = await Launcher.StartAsync(link, bundle, new AgentLaunchSpec { Executable = "agent/fake-agent", Port = 45678 }, Ct);
        try
        {
            Assert.Equal(45678, agent.Port);
        }
        finally
        {
            await Launcher.StopAsync(link, agent, TimeSpan.FromSeconds(5), Ct);
        }
    }

    [Fact]
    public async Task Agent_that_exits_before_listening_is_reported_with_the_end_of_its_log()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var bundle = await UploadAsync("#!/bin/sh\necho 'no GPU found' >&2\nexit 3\n");
        await using var link = await sshd.LinkAsync();

        var error = await Assert.ThrowsAsync<SshTransportException>(() =>
            Launcher.StartAsync(link, bundle, new AgentLaunchSpec { Executable = "agent/fake-agent" }, Ct));

        Assert.Equal(SshFailure.RemoteCommand, error.Failure);
        Assert.Contains("exited before listening", error.Message, StringComparison.Ordinal);
        Assert.Contains("no GPU found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agents_whose_controller_is_gone_are_stopped_and_removed_and_those_of_live_or_foreign_controllers_stay()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var bundle = await UploadAsync(FakeAgent);
        var spec = new AgentLaunchSpec { Executable = "agent/fake-agent" };
        await using var link = await sshd.LinkAsync();
        var orphan = await LauncherOf(GoneController()).StartAsync(link, bundle, spec, Ct);
        var stopped = await LauncherOf(GoneController()).StartAsync(link, bundle, spec, Ct);
        await Launcher.StopAsync(link, stopped, TimeSpan.FromSeconds(5), Ct);
        var live = await Launcher.StartAsync(link, bundle, spec, Ct);
        var elsewhere = ProcessIdentity.Current with { Machine = "another-machine", StartedTicks = 1 };
        var foreign = await LauncherOf(elsewhere).StartAsync(link, bundle, spec, Ct);
        try
        {
            var found = await Launcher.ReplaceOrphansAsync(link, Ct);

            Assert.False(Directory.Exists($"/proc/{orphan.ProcessId}"), "the agent of a killed controller still runs");
            Assert.False(Directory.Exists(orphan.Directory));
            Assert.False(Directory.Exists(stopped.Directory));
            Assert.True(Directory.Exists($"/proc/{live.ProcessId}") && Directory.Exists(live.Directory));
            Assert.True(Directory.Exists($"/proc/{foreign.ProcessId}") && Directory.Exists(foreign.Directory));
            Assert.Equal((true, true), Find(found, orphan));
            Assert.Equal((false, true), Find(found, stopped));
            Assert.Equal((true, false), Find(found, live));
            Assert.Equal((true, false), Find(found, foreign));
            Assert.Equal(elsewhere, found.Single(f => f.Directory == foreign.Directory).Controller);
        }
        finally
        {
            foreach (var agent in new[] { orphan, live, foreign })
            {
                KillQuietly(agent.ProcessId);
            }
        }
    }

    [Fact]
    public async Task A_recycled_pid_in_a_left_agent_folder_is_never_signalled()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var bundle = await UploadAsync(FakeAgent);
        await using var link = await sshd.LinkAsync();
        var left = await LauncherOf(GoneController()).StartAsync(link, bundle, new AgentLaunchSpec { Executable = "agent/fake-agent" }, Ct);
        await Launcher.StopAsync(link, left, TimeSpan.FromSeconds(5), Ct);
        using var bystander = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            // The agent's pid now belongs to a process of the same user that has nothing to do with GpuBench.
            await File.WriteAllTextAsync(Path.Combine(left.Directory, "agent.pid"), $"{bystander.Id}\n", Ct);

            var found = await Launcher.ReplaceOrphansAsync(link, Ct);

            Assert.False(bystander.HasExited, "a process that is not the agent was signalled");
            Assert.Equal((false, true), Find(found, left));
        }
        finally
        {
            bystander.Kill();
        }
    }

    [Fact]
    public async Task A_restarted_controller_replaces_the_agent_its_killed_predecessor_left_on_the_box()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var local = await LocalBundleAsync(FakeAgent);
        var options = await sshd.PinnedOptionsAsync();
        var spec = new AgentLaunchSpec { Executable = "agent/fake-agent" };

        // The first controller is killed: its link goes with it, its agent stays on the box.
        var killed = await SessionsOf(LauncherOf(GoneController())).StartAsync(options, local, spec, otlpEndpoint: null, Ct);
        await killed.DisposeAsync();
        Assert.True(Directory.Exists($"/proc/{killed.Agent.ProcessId}"));

        var restarted = await SessionsOf(Launcher).StartAsync(options, local, spec, otlpEndpoint: null, Ct);
        try
        {
            Assert.False(Directory.Exists($"/proc/{killed.Agent.ProcessId}"), "the killed controller's agent was left running");
            Assert.False(Directory.Exists(killed.Agent.Directory));
            Assert.True(Directory.Exists($"/proc/{restarted.Agent.ProcessId}"));
            Assert.Equal($"{ProcessIdentity.Current}\n", await File.ReadAllTextAsync(Path.Combine(restarted.Agent.Directory, "controller"), Ct));
        }
        finally
        {
            await restarted.StopAsync(Ct);
            KillQuietly(killed.Agent.ProcessId);
        }
    }

    [Theory]
    [InlineData("box-1 4242 638000000000000000 3d1219c7c4c5404aaa1f6d2a48adfda4:4026531836 1e326f6da6674b81a5ac702333f4e984", true)]
    [InlineData("box-1 4242 638000000000000000", false)]
    [InlineData("box-1 4242", false)]
    [InlineData("box-1 x 638000000000000000", false)]
    [InlineData("", false)]
    public void Controller_identity_reads_back_only_from_its_own_line(string line, bool parses)
    {
        var identity = ProcessIdentity.Parse(line);

        Assert.Equal(parses, identity is not null);
        Assert.Equal(parses ? line : null, identity?.ToString());
    }

    [Fact]
    public void This_controller_is_not_gone_and_one_elsewhere_is_never_known_to_be()
    {
        Assert.False(ProcessIdentity.Current.IsGoneFromThisMachine());
        Assert.True(GoneController().IsGoneFromThisMachine());
        Assert.False((GoneController() with { Machine = "another-machine" }).IsGoneFromThisMachine());
    }

    /// <summary>A controller of this machine that has exited: a finished process's pid and a start time it never had.</summary>
    private static ProcessIdentity GoneController()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return ProcessIdentity.Current with { ProcessId = process.Id, StartedTicks = 1 };
    }

    private static RemoteAgentLauncher LauncherOf(ProcessIdentity identity) =>
        new(NullLogger<RemoteAgentLauncher>.Instance, TimeProvider.System) { Identity = identity };

    private static SshAgentSessions SessionsOf(RemoteAgentLauncher launcher) => new(
        SshdFixture.Connector(),
        new BundleUploader(SshdFixture.Connector(), NullLogger<BundleUploader>.Instance),
        launcher,
        NullLoggerFactory.Instance,
        TimeProvider.System);

    /// <summary>Whether the agent was found running, and whether its folder was removed.</summary>
    private static (bool Running, bool Removed) Find(IReadOnlyList<LeftAgent> found, RemoteAgent agent) =>
        found.Single(f => f.Directory == agent.Directory) is var f ? (f.Running, f.Removed) : default;

    private async Task<RemoteBundle> UploadAsync(string agentScript)
    {
        var uploader = new BundleUploader(SshdFixture.Connector(), NullLogger<BundleUploader>.Instance);
        return await uploader.EnsureUploadedAsync(await sshd.PinnedOptionsAsync(), await LocalBundleAsync(agentScript), Ct);
    }

    private async Task<AgentBundle> LocalBundleAsync(string agentScript)
    {
        var local = sshd.PathOf($"bundle-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(local, "agent"));
        var path = Path.Combine(local, "agent", "fake-agent");
        await File.WriteAllTextAsync(path, agentScript.ReplaceLineEndings("\n") + "\n", Ct);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return await AgentBundle.LoadAsync(local, Ct);
    }

    /// <summary>The session id from /proc/&lt;pid&gt;/stat: equal to the pid when the process leads its own session.</summary>
    private static int SessionOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[3], CultureInfo.InvariantCulture);
    }

    private static void KillQuietly(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
        }
    }
}
