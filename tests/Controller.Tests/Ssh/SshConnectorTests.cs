using System.Net.Sockets;
using System.Net;
using GpuBench.Controller.Ssh;
using GpuBench.TestSupport;

namespace GpuBench.Controller.Tests.Ssh;

public sealed class SshConnectorTests(SshdFixture sshd) : IClassFixture<SshdFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Key_the_server_does_not_know_is_refused_naming_user_and_key_file()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var options = (await sshd.PinnedOptionsAsync()) with { KeyFile = sshd.StrangerKey };

        var error = await Assert.ThrowsAsync<SshTransportException>(() => SshdFixture.Connector().ConnectAsync(options, Ct));
        TestContext.Current.TestOutputHelper?.WriteLine(error.Message);

        Assert.Equal(SshFailure.AuthenticationFailed, error.Failure);
        Assert.Contains($"'{sshd.User}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(sshd.StrangerKey, error.Message, StringComparison.Ordinal);
        Assert.Contains("authorized_keys", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task Closed_port_is_refused_naming_host_and_port()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        using var closedPort = new ClosedLoopbackPort();
        var closed = closedPort.Port;
        var options = (await sshd.PinnedOptionsAsync()) with { Port = closed };

        var error = await Assert.ThrowsAsync<SshTransportException>(() => SshdFixture.Connector().ConnectAsync(options, Ct));
        TestContext.Current.TestOutputHelper?.WriteLine(error.Message);

        Assert.Equal(SshFailure.Unreachable, error.Failure);
        Assert.Contains($"127.0.0.1:{closed}", error.Message, StringComparison.Ordinal);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task Server_that_never_answers_times_out_naming_host_and_port()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var options = (await sshd.PinnedOptionsAsync()) with { Port = port, ConnectTimeout = TimeSpan.FromSeconds(2) };

        var error = await Assert.ThrowsAsync<SshTransportException>(() => SshdFixture.Connector().ConnectAsync(options, Ct));
        TestContext.Current.TestOutputHelper?.WriteLine(error.Message);

        Assert.Equal(SshFailure.Unreachable, error.Failure);
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_key_file_is_reported_before_connecting()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var missing = sshd.PathOf("no-such-key");
        var options = (await sshd.PinnedOptionsAsync()) with { KeyFile = missing };

        var error = await Assert.ThrowsAsync<SshTransportException>(() => SshdFixture.Connector().ConnectAsync(options, Ct));
        TestContext.Current.TestOutputHelper?.WriteLine(error.Message);

        Assert.Equal(SshFailure.KeyFile, error.Failure);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("servers[].ssh.key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pinned_value_that_is_no_fingerprint_is_a_clear_refusal_before_connecting()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var options = sshd.Options(hostKey: "MD5:9d:1f:20:3a:aa");

        var error = await Assert.ThrowsAsync<SshTransportException>(() => SshdFixture.Connector().ConnectAsync(options, Ct));

        Assert.Equal(SshFailure.HostKeyRejected, error.Failure);
        Assert.Contains("servers[].ssh.host_key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encrypted_key_uses_the_passphrase_from_the_named_variable()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var variable = $"GPUBENCH_TEST_PASSPHRASE_{Guid.NewGuid():N}";
        var key = sshd.PathOf($"encrypted-{Guid.NewGuid():N}");
        File.Copy(sshd.UserKey, key);
        await sshd.ChangePassphraseAsync(key, "correct horse");
        var options = (await sshd.PinnedOptionsAsync()) with { KeyFile = key, PassphraseVariable = variable };

        var unset = await Assert.ThrowsAsync<SshTransportException>(() => SshdFixture.Connector().ConnectAsync(options, Ct));
        TestContext.Current.TestOutputHelper?.WriteLine(unset.Message);
        Assert.Equal(SshFailure.KeyFile, unset.Failure);
        Assert.Contains(variable, unset.Message, StringComparison.Ordinal);

        Environment.SetEnvironmentVariable(variable, "correct horse");
        try
        {
            using var client = await SshdFixture.Connector().ConnectAsync(options, Ct);
            Assert.True(client.IsConnected);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }
}
