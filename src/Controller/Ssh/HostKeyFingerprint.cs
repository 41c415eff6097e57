using System.Security.Cryptography;

namespace GpuBench.Controller.Ssh;

/// <summary>SHA-256 host key fingerprints in OpenSSH's notation: <c>SHA256:</c> and unpadded base64.</summary>
public static class HostKeyFingerprint
{
    private const string Prefix = "SHA256:";

    /// <summary>The fingerprint of a public key blob (the wire format known_hosts stores in base64).</summary>
    public static string Of(ReadOnlySpan<byte> keyBlob) =>
        Prefix + Convert.ToBase64String(SHA256.HashData(keyBlob)).TrimEnd('=');

    /// <summary>
    /// Normalises a pinned fingerprint (optional padding, surrounding spaces) or explains why it is not one.
    /// Base64 is case-sensitive, so the value is compared exactly once normalised.
    /// </summary>
    public static string ParsePinned(string pinned)
    {
        ArgumentNullException.ThrowIfNull(pinned);
        var value = pinned.Trim();
        if (!value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new FormatException(
                $"servers[].ssh.host_key '{pinned}' is not a SHA256 fingerprint. Write it as ssh-keygen -lf prints it, " +
                "e.g. \"SHA256:ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og\" (run `ssh-keygen -lf " +
                "/etc/ssh/ssh_host_ed25519_key.pub` on the box).");
        }

        var body = value[Prefix.Length..].TrimEnd('=');
        Span<byte> hash = stackalloc byte[64];
        if (body.Length != 43 || !Convert.TryFromBase64String(body + "=", hash, out var written) || written != 32)
        {
            throw new FormatException(
                $"servers[].ssh.host_key '{pinned}' is not a SHA256 fingerprint: after 'SHA256:' it needs the 43 " +
                "base64 characters ssh-keygen -lf prints.");
        }

        return Prefix + body;
    }
}
