using System.Net.Sockets;
using Renci.SshNet;
using Renci.SshNet.Common;
using ConnectionInfo = Renci.SshNet.ConnectionInfo;

namespace GpuBench.Controller.Ssh;

/// <summary>
/// Opens verified, key-authenticated SSH and SFTP connections to a box, and turns every way that can fail into an
/// <see cref="SshTransportException"/> whose message says what to change.
/// </summary>
public sealed class SshConnector(ILogger<SshConnector> logger)
{
    public Task<SshClient> ConnectAsync(SshServerOptions server, CancellationToken cancellationToken) =>
        ConnectAsync(server, info => new SshClient(info), cancellationToken);

    public Task<SftpClient> ConnectSftpAsync(SshServerOptions server, CancellationToken cancellationToken) =>
        ConnectAsync(server, info => new SftpClient(info), cancellationToken);

    private async Task<TClient> ConnectAsync<TClient>(
        SshServerOptions server, Func<ConnectionInfo, TClient> create, CancellationToken cancellationToken)
        where TClient : BaseClient
    {
        ArgumentNullException.ThrowIfNull(server);
        var keyPath = LocalPath.Expand(server.KeyFile);
        var key = LoadKey(server, keyPath);
        HostKeyVerifier verifier;
        try
        {
            verifier = new HostKeyVerifier(server, logger);
        }
        catch (FormatException ex)
        {
            throw new SshTransportException(SshFailure.HostKeyRejected, $"{server.Display}: {ex.Message}", ex);
        }

        var info = new ConnectionInfo(server.Host, server.Port, server.User, new PrivateKeyAuthenticationMethod(server.User, key))
        {
            Timeout = server.ConnectTimeout,
        };
        RestrictHostKeyAlgorithms(info, verifier.PreferredKeyTypes());

        SshTransportException? refusal = null;
        var client = create(info);
        client.KeepAliveInterval = server.KeepAliveInterval;
        client.HostKeyReceived += (_, e) =>
        {
            try
            {
                verifier.Verify(e.HostKey);
                e.CanTrust = true;
            }
            catch (SshTransportException ex)
            {
                refusal = ex;
                e.CanTrust = false;
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                refusal = new SshTransportException(
                    SshFailure.HostKeyRejected,
                    $"Could not verify the host key of {server.Display}: {ex.Message}", ex);
                e.CanTrust = false;
            }
        };

        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw refusal ?? Explain(server, keyPath, ex);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static PrivateKeyFile LoadKey(SshServerOptions server, string keyPath)
    {
        if (!File.Exists(keyPath))
        {
            throw new SshTransportException(
                SshFailure.KeyFile,
                $"The private key file {keyPath} for {server.Display} does not exist. Set servers[].ssh.key to the " +
                "private key whose public half is in the box's ~/.ssh/authorized_keys.");
        }

        string? passphrase = null;
        if (server.PassphraseVariable is { } variable)
        {
            passphrase = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(passphrase))
            {
                throw new SshTransportException(
                    SshFailure.KeyFile,
                    $"The passphrase of {keyPath} for {server.Display} is read from the environment variable " +
                    $"{variable}, which is not set.");
            }
        }

        try
        {
            return passphrase is null ? new PrivateKeyFile(keyPath) : new PrivateKeyFile(keyPath, passphrase);
        }
        catch (SshPassPhraseNullOrEmptyException ex)
        {
            throw new SshTransportException(
                SshFailure.KeyFile,
                $"The private key {keyPath} for {server.Display} is encrypted: put its passphrase in an environment " +
                "variable and name that variable in the server's SSH settings.", ex);
        }
        catch (Exception ex) when (ex is SshException or IOException or UnauthorizedAccessException or
                                       FormatException or NotSupportedException or ArgumentException or
                                       System.Security.Cryptography.CryptographicException)
        {
            throw new SshTransportException(
                SshFailure.KeyFile,
                $"The private key {keyPath} for {server.Display} cannot be used: {ex.Message} (a wrong passphrase, " +
                "or not an OpenSSH/PEM private key).", ex);
        }
    }

    /// <summary>
    /// Host certificates are not verified, so their algorithms are never negotiated; and when known_hosts already
    /// holds keys for the host, only those types are asked for, as OpenSSH does, so a server with several host keys
    /// presents the one on record.
    /// </summary>
    private static void RestrictHostKeyAlgorithms(ConnectionInfo info, IReadOnlySet<string>? keyTypes)
    {
        foreach (var name in info.HostKeyAlgorithms.Keys.Where(n => n.Contains("-cert-", StringComparison.Ordinal)).ToList())
        {
            info.HostKeyAlgorithms.Remove(name);
        }

        if (keyTypes is null || !info.HostKeyAlgorithms.Keys.Any(n => keyTypes.Contains(KeyTypeOfAlgorithm(n))))
        {
            return;
        }

        foreach (var name in info.HostKeyAlgorithms.Keys.Where(n => !keyTypes.Contains(KeyTypeOfAlgorithm(n))).ToList())
        {
            info.HostKeyAlgorithms.Remove(name);
        }
    }

    private static string KeyTypeOfAlgorithm(string algorithm) =>
        algorithm is "rsa-sha2-256" or "rsa-sha2-512" ? "ssh-rsa" : algorithm;

    private static SshTransportException Explain(SshServerOptions server, string keyPath, Exception ex) => ex switch
    {
        SocketException socket => new SshTransportException(
            SshFailure.Unreachable,
            $"Cannot reach the SSH server at {server.Host}:{server.Port}: {socket.Message} ({socket.SocketErrorCode}). " +
            "Check that the box is up, that sshd listens on that port and that no firewall is in the way " +
            "(servers[].ssh.host and servers[].ssh.port).", ex),
        SshOperationTimeoutException => new SshTransportException(
            SshFailure.Unreachable,
            $"No SSH answer from {server.Host}:{server.Port} within {server.ConnectTimeout.TotalSeconds:0.#} s. Check " +
            "that the box is up and that servers[].ssh.host and servers[].ssh.port point at its sshd.", ex),
        SshAuthenticationException => new SshTransportException(
            SshFailure.AuthenticationFailed,
            $"{server.Host}:{server.Port} refused user '{server.User}' with the key {keyPath}: {ex.Message} Check that " +
            $"the public key ({keyPath}.pub) is in ~{server.User}/.ssh/authorized_keys on the box and that " +
            "servers[].ssh.user and servers[].ssh.key are right.", ex),
        _ => new SshTransportException(
            SshFailure.Unreachable,
            $"The SSH connection to {server.Display} failed: {ex.Message}", ex),
    };
}
