namespace GpuBench.Controller.Ssh;

/// <summary>How to reach one GPU box over SSH: what <c>servers[].ssh</c> in config.yml maps onto.</summary>
public sealed record SshServerOptions
{
    /// <summary>Host name or address of the box (<c>servers[].ssh.host</c>).</summary>
    public required string Host { get; init; }

    public int Port { get; init; } = 22;

    public required string User { get; init; }

    /// <summary>Private key file; a leading <c>~/</c> means the local home directory (<c>servers[].ssh.key</c>).</summary>
    public required string KeyFile { get; init; }

    /// <summary>Name of the environment variable holding the key's passphrase, when the key has one.</summary>
    public string? PassphraseVariable { get; init; }

    /// <summary>Pinned host key fingerprint, <c>SHA256:...</c> as <c>ssh-keygen -lf</c> prints it; wins over known_hosts.</summary>
    public string? HostKey { get; init; }

    /// <summary>Accept and record an unknown host key (never a changed one).</summary>
    public bool TrustOnFirstUse { get; init; }

    /// <summary>The known_hosts file consulted when no fingerprint is pinned and appended to on first use.</summary>
    public string KnownHostsFile { get; init; } = "~/.ssh/known_hosts";

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often an idle link is kept alive and its liveness checked.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>GpuBench's directory on the box; relative paths are under the remote user's home.</summary>
    public string RemoteRoot { get; init; } = ".gpubench";

    /// <summary><c>user@host:port</c>, the way every message names this box.</summary>
    public string Display => $"{User}@{Host}:{Port}";

    /// <summary>The host as known_hosts and <c>ssh-keyscan</c> name it: bare for port 22, else <c>[host]:port</c>.</summary>
    public string KnownHostsName => Port == 22 ? Host : $"[{Host}]:{Port}";
}
