using GpuBench.Controller.Ssh;
using GpuBench.TestSupport;

namespace GpuBench.Controller.Tests.Ssh;

public sealed class HostKeyVerificationTests(SshdFixture sshd) : IClassFixture<SshdFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pinned_fingerprint_as_ssh_keygen_prints_it_is_accepted()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var options = sshd.Options(hostKey: await sshd.FingerprintAsync(sshd.Ed25519HostKey));

        using var client = await SshdFixture.Connector().ConnectAsync(options, Ct);

        Assert.True(client.IsConnected);
        Assert.False(File.Exists(options.KnownHostsFile));
    }

    [Fact]
    public async Task Wrong_pinned_fingerprint_is_refused_naming_host_port_and_both_fingerprints()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var other = await sshd.FingerprintAsync(sshd.StrangerKey);
        var presented = await sshd.FingerprintAsync(sshd.Ed25519HostKey);
        var options = sshd.Options(hostKey: other, trustOnFirstUse: true);

        var error = await Assert.ThrowsAsync<SshTransportException>(() => SshdFixture.Connector().ConnectAsync(options, Ct));
        TestContext.Current.TestOutputHelper?.WriteLine(error.Message);

        Assert.Equal(SshFailure.HostKeyRejected, error.Failure);
        Assert.Contains($"127.0.0.1:{sshd.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains(other, error.Message, StringComparison.Ordinal);
        Assert.Contains(presented, error.Message, StringComparison.Ordinal);
        Assert.Contains("servers[].ssh.host_key", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(options.KnownHostsFile));
    }

    [Theory]
    [InlineData("ed25519", false)]
    [InlineData("ed25519", true)]
    [InlineData("ecdsa", false)]
    [InlineData("ecdsa", true)]
    public async Task Known_hosts_entry_is_accepted_plain_or_hashed_and_its_key_type_is_the_one_asked_for(string keyType, bool hashed)
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var options = sshd.Options();
        // The server has both keys and the client prefers ed25519, so an ecdsa-only entry passes only when the
        // client asks for the type on record.
        var hostKey = keyType == "ecdsa" ? sshd.EcdsaHostKey : sshd.Ed25519HostKey;
        await File.WriteAllTextAsync(options.KnownHostsFile, sshd.KnownHostsLine(hostKey) + "\n", Ct);
        if (hashed)
        {
            await sshd.HashKnownHostsAsync(options.KnownHostsFile);
            Assert.StartsWith("|1|", await File.ReadAllTextAsync(options.KnownHostsFile, Ct), StringComparison.Ordinal);
        }

        using var client = await SshdFixture.Connector().ConnectAsync(options, Ct);

        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Changed_key_in_known_hosts_is_refused_with_both_fingerprints_and_the_fix()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var options = sshd.Options(trustOnFirstUse: true);
        var stranger = (await File.ReadAllTextAsync(sshd.StrangerKey + ".pub", Ct)).Split(' ');
        var original = $"# a comment\n[127.0.0.1]:{sshd.Port} {stranger[0]} {stranger[1]}\n";
        await File.WriteAllTextAsync(options.KnownHostsFile, original, Ct);

        var error = await Assert.ThrowsAsync<SshTransportException>(() => SshdFixture.Connector().ConnectAsync(options, Ct));
        TestContext.Current.TestOutputHelper?.WriteLine(error.Message);

        Assert.Equal(SshFailure.HostKeyRejected, error.Failure);
        Assert.Contains("Host key mismatch", error.Message, StringComparison.Ordinal);
        Assert.Contains(await sshd.FingerprintAsync(sshd.StrangerKey), error.Message, StringComparison.Ordinal);
        Assert.Contains(await sshd.FingerprintAsync(sshd.Ed25519HostKey), error.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("ssh-keygen -R", error.Message, StringComparison.Ordinal);
        Assert.Equal(original, await File.ReadAllTextAsync(options.KnownHostsFile, Ct));
    }

    [Fact]
    public async Task Unknown_host_is_refused_without_trust_on_first_use_and_nothing_is_recorded()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var options = sshd.Options();

        var error = await Assert.ThrowsAsync<SshTransportException>(() => SshdFixture.Connector().ConnectAsync(options, Ct));
        TestContext.Current.TestOutputHelper?.WriteLine(error.Message);

        Assert.Equal(SshFailure.HostKeyRejected, error.Failure);
        Assert.Contains("is not known", error.Message, StringComparison.Ordinal);
        Assert.Contains(await sshd.FingerprintAsync(sshd.Ed25519HostKey), error.Message, StringComparison.Ordinal);
        Assert.Contains("trust_on_first_use", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(options.KnownHostsFile));
    }

    [Fact]
    public async Task Unknown_host_with_trust_on_first_use_is_accepted_recorded_and_then_known()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var options = sshd.Options(trustOnFirstUse: true);
        await File.WriteAllTextAsync(options.KnownHostsFile, "other.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC6YcNOpnCF0idsnGmq5IOpzhPrMgCcGjmmRIhpk2pdv", Ct);

        using (var first = await SshdFixture.Connector().ConnectAsync(options, Ct))
        {
            Assert.True(first.IsConnected);
        }

        var lines = await File.ReadAllLinesAsync(options.KnownHostsFile, Ct);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("other.example ", lines[0], StringComparison.Ordinal);
        var recorded = KnownHosts.Parse(lines[1]).Entries.Single();
        Assert.Equal($"[127.0.0.1]:{sshd.Port}", recorded.HostPatterns);
        Assert.Equal(await sshd.FingerprintAsync(sshd.Ed25519HostKey), recorded.Fingerprint);

        // The recorded key is now what the host is checked against, trust on first use or not.
        using var second = await SshdFixture.Connector().ConnectAsync(options with { TrustOnFirstUse = false }, Ct);
        Assert.True(second.IsConnected);
        Assert.Equal(2, (await File.ReadAllLinesAsync(options.KnownHostsFile, Ct)).Length);
    }

    [Fact]
    public async Task Revoked_key_is_refused_even_when_a_plain_line_trusts_it()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var options = sshd.Options(trustOnFirstUse: true);
        var line = sshd.KnownHostsLine(sshd.Ed25519HostKey);
        await File.WriteAllTextAsync(options.KnownHostsFile, $"{line}\n@revoked {line}\n", Ct);

        var error = await Assert.ThrowsAsync<SshTransportException>(() => SshdFixture.Connector().ConnectAsync(options, Ct));
        TestContext.Current.TestOutputHelper?.WriteLine(error.Message);

        Assert.Equal(SshFailure.HostKeyRejected, error.Failure);
        Assert.Contains("@revoked", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Certificate_authority_only_is_refused_clearly_rather_than_treated_as_unknown()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var options = sshd.Options(trustOnFirstUse: true);
        var ca = (await File.ReadAllTextAsync(sshd.StrangerKey + ".pub", Ct)).Split(' ');
        await File.WriteAllTextAsync(options.KnownHostsFile, $"@cert-authority * {ca[0]} {ca[1]}\n", Ct);

        var error = await Assert.ThrowsAsync<SshTransportException>(() => SshdFixture.Connector().ConnectAsync(options, Ct));
        TestContext.Current.TestOutputHelper?.WriteLine(error.Message);

        Assert.Contains("@cert-authority", error.Message, StringComparison.Ordinal);
        Assert.Contains(await sshd.FingerprintAsync(sshd.Ed25519HostKey), error.Message, StringComparison.Ordinal);
        Assert.Single(await File.ReadAllLinesAsync(options.KnownHostsFile, Ct));
    }
}
