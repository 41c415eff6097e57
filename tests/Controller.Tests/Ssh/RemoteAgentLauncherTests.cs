using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text;
using GpuBench.Controller.Ssh;
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
            Assert.Equal(arguments, received);
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

    private async Task<RemoteBundle> UploadAsync(string agentScript)
    {
        var local = sshd.PathOf($"bundle-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(local, "agent"));
        var path = Path.Combine(local, "agent", "fake-agent");
        await File.WriteAllTextAsync(path, agentScript.ReplaceLineEndings("\n") + "\n", Ct);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var uploader = new BundleUploader(SshdFixture.Connector(), NullLogger<BundleUploader>.Instance);
        return await uploader.EnsureUploadedAsync(await sshd.PinnedOptionsAsync(), await AgentBundle.LoadAsync(local, Ct), Ct);
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
