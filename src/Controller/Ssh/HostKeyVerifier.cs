namespace GpuBench.Controller.Ssh;

/// <summary>
/// Decides whether a presented host key is the box's: against the pinned fingerprint when the config has one, else
/// against known_hosts; an unknown host is accepted only with trust-on-first-use, and then recorded. Never a silent
/// accept: every refusal names the box, both fingerprints and the setting that fixes it.
/// </summary>
public sealed class HostKeyVerifier(SshServerOptions server, ILogger logger)
{
    private readonly string? _pinned = server.HostKey is null ? null : HostKeyFingerprint.ParsePinned(server.HostKey);

    private string KnownHostsPath => LocalPath.Expand(server.KnownHostsFile);

    /// <summary>
    /// The key types to ask the server for, so the server presents the key known_hosts already holds rather than
    /// another one it also has; null when any type will do (pinned fingerprint or a host not yet known).
    /// </summary>
    public IReadOnlySet<string>? PreferredKeyTypes()
    {
        if (_pinned is not null)
        {
            return null;
        }

        var types = KnownHosts.Load(KnownHostsPath).KeyTypesFor(server.KnownHostsName);
        return types.Count > 0 ? types : null;
    }

    /// <summary>Accepts the key (returns) or refuses it with the reason (throws).</summary>
    public void Verify(ReadOnlySpan<byte> keyBlob)
    {
        var keyType = KnownHosts.KeyTypeOf(keyBlob);
        var presented = HostKeyFingerprint.Of(keyBlob);
        if (_pinned is not null)
        {
            if (_pinned != presented)
            {
                throw Refused(
                    $"Host key mismatch for {server.Display}: servers[].ssh.host_key pins {_pinned} but the server " +
                    $"presented {keyType} {presented}. Either the box was reinstalled or the connection is being " +
                    $"intercepted. Check the key on the box ({CheckOnBox(keyType)}) and, if it matches, set " +
                    $"servers[].ssh.host_key to \"{presented}\".");
            }

            return;
        }

        var path = KnownHostsPath;
        var lookup = KnownHosts.Load(path).Lookup(server.KnownHostsName, keyType, keyBlob);
        var lines = string.Join(", ", lookup.Entries.Select(e => $"line {e.LineNumber}: {e.KeyType} {e.Fingerprint}"));
        switch (lookup.Status)
        {
            case KnownHostStatus.Trusted:
                return;
            case KnownHostStatus.Revoked:
                throw Refused(
                    $"The host key {keyType} {presented} presented by {server.Display} is marked @revoked in {path} " +
                    $"({lines}). Refusing to connect; the box needs a new host key, then pin it in " +
                    "servers[].ssh.host_key or record it in known_hosts.");
            case KnownHostStatus.Changed:
            case KnownHostStatus.OtherTypesKnown:
                throw Refused(
                    $"Host key mismatch for {server.Display}: {path} records {server.KnownHostsName} as ({lines}) but " +
                    $"the server presented {keyType} {presented}. Either the box was reinstalled or the connection is " +
                    $"being intercepted. Check the key on the box ({CheckOnBox(keyType)}); if it matches, remove the " +
                    $"old entry with `ssh-keygen -R '{server.KnownHostsName}' -f {path}` and connect again, or set " +
                    $"servers[].ssh.host_key to \"{presented}\".");
            case KnownHostStatus.CertificateAuthorityOnly:
                throw Refused(
                    $"{path} trusts only a certificate authority (@cert-authority, {lines}) for {server.Display}, and " +
                    $"host certificates are not verified here. The server presented {keyType} {presented}: check it " +
                    $"on the box ({CheckOnBox(keyType)}) and set servers[].ssh.host_key to \"{presented}\", or add a " +
                    "plain known_hosts line for the host.");
            case KnownHostStatus.Unknown when server.TrustOnFirstUse:
                KnownHosts.AppendAtomically(path, KnownHosts.FormatLine(server.KnownHostsName, keyType, keyBlob));
                logger.LogWarning(
                    "Trusting the host key of {Server} on first use (servers[].ssh.trust_on_first_use): {KeyType} {Fingerprint}, recorded in {KnownHosts}",
                    server.Display, keyType, presented, path);
                return;
            default:
                throw Refused(
                    $"The host key of {server.Display} is not known: {path} has no entry for {server.KnownHostsName} " +
                    $"and servers[].ssh.host_key is not set. The server presented {keyType} {presented}. Check it on " +
                    $"the box ({CheckOnBox(keyType)}), then set servers[].ssh.host_key to \"{presented}\", or record " +
                    $"it with `ssh-keyscan -p {server.Port} {server.Host} >> {path}`, or set " +
                    "servers[].ssh.trust_on_first_use: true to accept it on first use.");
        }
    }

    private static string CheckOnBox(string keyType) =>
        $"`ssh-keygen -lf /etc/ssh/ssh_host_{KeyFileSuffix(keyType)}_key.pub`";

    private static string KeyFileSuffix(string keyType) => keyType switch
    {
        "ssh-ed25519" => "ed25519",
        "ssh-rsa" => "rsa",
        _ when keyType.StartsWith("ecdsa-", StringComparison.Ordinal) => "ecdsa",
        _ => "*",
    };

    private static SshTransportException Refused(string message) => new(SshFailure.HostKeyRejected, message);
}
