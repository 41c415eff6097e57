using System.Runtime.Versioning;
using GpuBench.Controller.Ssh;

namespace GpuBench.Controller.Tests.Ssh;

[SupportedOSPlatform("linux")]
public sealed class KnownHostsTests
{
    // A real key and the lines OpenSSH wrote for it: `ssh-keygen -lf` gave the fingerprint, `ssh-keygen -H` the hash.
    private const string Key = "AAAAC3NzaC1lZDI1NTE5AAAAIC6YcNOpnCF0idsnGmq5IOpzhPrMgCcGjmmRIhpk2pdv";
    private const string Fingerprint = "SHA256:C7jyNO/eBLuOJemGyTfWZeGDtGSyWZC5R90FZXSHHCs";
    private const string HashedFor2222 = "|1|VIZHobiy6PeOCUR9I2RFWBC+4qw=|XdNUiCOsUQBY2CEKfuOPzsELDC0=";
    private const string OtherKey = "AAAAC3NzaC1lZDI1NTE5AAAAIF9hIbRU+qu3R3PGXf9x8fhw12fjdwvW+7BYFAzgouLm";

    private static byte[] Blob => Convert.FromBase64String(Key);

    [Fact]
    public void Fingerprint_matches_what_ssh_keygen_prints()
    {
        Assert.Equal(Fingerprint, HostKeyFingerprint.Of(Blob));
        Assert.Equal("ssh-ed25519", KnownHosts.KeyTypeOf(Blob));
    }

    [Theory]
    [InlineData("SHA256:C7jyNO/eBLuOJemGyTfWZeGDtGSyWZC5R90FZXSHHCs")]
    [InlineData("  SHA256:C7jyNO/eBLuOJemGyTfWZeGDtGSyWZC5R90FZXSHHCs= ")]
    public void Pinned_fingerprint_is_normalised(string pinned) =>
        Assert.Equal(Fingerprint, HostKeyFingerprint.ParsePinned(pinned));

    [Theory]
    [InlineData("MD5:9d:1f:20:3a")]
    [InlineData("C7jyNO/eBLuOJemGyTfWZeGDtGSyWZC5R90FZXSHHCs")]
    [InlineData("SHA256:tooshort")]
    public void Pinned_value_that_is_not_a_sha256_fingerprint_is_rejected_naming_the_setting(string pinned)
    {
        var error = Assert.Throws<FormatException>(() => HostKeyFingerprint.ParsePinned(pinned));
        Assert.Contains("servers[].ssh.host_key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hashed_entry_written_by_ssh_keygen_matches_only_its_host_and_port()
    {
        var hosts = KnownHosts.Parse($"{HashedFor2222} ssh-ed25519 {Key}\n");

        Assert.Equal(KnownHostStatus.Trusted, hosts.Lookup("[127.0.0.1]:2222", "ssh-ed25519", Blob).Status);
        Assert.Equal(KnownHostStatus.Unknown, hosts.Lookup("[127.0.0.1]:2223", "ssh-ed25519", Blob).Status);
        Assert.Equal(KnownHostStatus.Unknown, hosts.Lookup("127.0.0.1", "ssh-ed25519", Blob).Status);
    }

    [Fact]
    public void A_hashed_entry_matches_its_host_name_in_any_case()
    {
        // `ssh-keygen -H` of the line "gpu-box.example ssh-ed25519 <Key>".
        var hosts = KnownHosts.Parse($"|1|TYKGZRcfQl0425OZ1tWyVt3TbUs=|GPEV+W/xXwz1A4DceBRIdu77l10= ssh-ed25519 {Key}\n");

        Assert.Equal(KnownHostStatus.Trusted, hosts.Lookup("gpu-box.example", "ssh-ed25519", Blob).Status);
        Assert.Equal(KnownHostStatus.Trusted, hosts.Lookup("GPU-Box.Example", "ssh-ed25519", Blob).Status);
        Assert.Equal(KnownHostStatus.Unknown, hosts.Lookup("gpu-box.example.org", "ssh-ed25519", Blob).Status);
    }

    [Theory]
    [InlineData("gpu1.example,10.0.0.5", "gpu1.example", true)]
    [InlineData("gpu1.example,10.0.0.5", "10.0.0.5", true)]
    [InlineData("GPU1.Example", "gpu1.example", true)]
    [InlineData("*.example", "gpu7.example", true)]
    [InlineData("gpu?.example", "gpu7.example", true)]
    [InlineData("gpu?.example", "gpu17.example", false)]
    [InlineData("*.example,!gpu7.example", "gpu7.example", false)]
    [InlineData("*.example,!gpu7.example", "gpu8.example", true)]
    [InlineData("[gpu1.example]:2222", "[gpu1.example]:2222", true)]
    [InlineData("gpu1.example", "[gpu1.example]:2222", false)]
    public void Host_patterns_match_as_in_openssh(string patterns, string host, bool matches) =>
        Assert.Equal(matches, KnownHosts.HostMatches(patterns, host));

    [Fact]
    public void Lookup_tells_trusted_changed_other_type_revoked_and_authority_apart()
    {
        var hosts = KnownHosts.Parse($"""
            # comment line, then an unparsable one
            garbage
            same.example ssh-ed25519 {Key}
            changed.example ssh-ed25519 {OtherKey}
            ecdsa.example ecdsa-sha2-nistp256 {OtherKey}
            @revoked * ssh-ed25519 {Key}
            @cert-authority *.ca.example ssh-ed25519 {OtherKey}
            """);
        var clean = KnownHosts.Parse($"same.example ssh-ed25519 {Key}\n@cert-authority *.ca.example ssh-ed25519 {OtherKey}");

        Assert.Equal(KnownHostStatus.Revoked, hosts.Lookup("same.example", "ssh-ed25519", Blob).Status);
        Assert.Equal(KnownHostStatus.Trusted, clean.Lookup("same.example", "ssh-ed25519", Blob).Status);
        Assert.Equal(1, clean.Lookup("same.example", "ssh-ed25519", Blob).Entries.Single().LineNumber);

        var other = Convert.FromBase64String(OtherKey);
        var changed = KnownHosts.Parse($"changed.example ssh-ed25519 {OtherKey}").Lookup("changed.example", "ssh-ed25519", Blob);
        Assert.Equal(KnownHostStatus.Changed, changed.Status);
        Assert.Equal(HostKeyFingerprint.Of(other), changed.Entries.Single().Fingerprint);
        Assert.Equal(KnownHostStatus.OtherTypesKnown, clean.Lookup("same.example", "ssh-rsa", other).Status);
        Assert.Equal(KnownHostStatus.CertificateAuthorityOnly, clean.Lookup("gpu.ca.example", "ssh-ed25519", Blob).Status);
        Assert.Equal(KnownHostStatus.Unknown, clean.Lookup("nobody.example", "ssh-ed25519", Blob).Status);
        Assert.Equal(["ssh-ed25519"], clean.KeyTypesFor("same.example"));
    }

    [Fact]
    public void Appending_keeps_existing_lines_adds_a_missing_newline_and_keeps_the_mode()
    {
        var directory = Directory.CreateTempSubdirectory("gpubench-known-hosts-").FullName;
        try
        {
            var path = Path.Combine(directory, "ssh", "known_hosts");
            KnownHosts.AppendAtomically(path, $"a.example ssh-ed25519 {Key}");
            File.AppendAllText(path, $"b.example ssh-ed25519 {OtherKey}");
            KnownHosts.AppendAtomically(path, KnownHosts.FormatLine("[c.example]:2222", "ssh-ed25519", Blob));

            Assert.Equal(
                [$"a.example ssh-ed25519 {Key}", $"b.example ssh-ed25519 {OtherKey}", $"[c.example]:2222 ssh-ed25519 {Key}"],
                File.ReadAllLines(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                File.GetUnixFileMode(Path.GetDirectoryName(path)!));
            Assert.DoesNotContain(Directory.EnumerateFiles(Path.GetDirectoryName(path)!), f => f.EndsWith(".tmp", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Parallel_appends_lose_no_line()
    {
        var directory = Directory.CreateTempSubdirectory("gpubench-known-hosts-").FullName;
        try
        {
            var path = Path.Combine(directory, "known_hosts");
            Parallel.For(0, 16, i => KnownHosts.AppendAtomically(path, $"host{i}.example ssh-ed25519 {Key}"));

            Assert.Equal(16, KnownHosts.Load(path).Entries.Count);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
