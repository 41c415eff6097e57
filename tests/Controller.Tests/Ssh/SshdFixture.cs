using System.Diagnostics;
using System.Globalization;
using GpuBench.Controller.Ssh;
using GpuBench.Core.Net;
using GpuBench.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace GpuBench.Controller.Tests.Ssh;

/// <summary>
/// A real OpenSSH server of the test's own on 127.0.0.1: temporary config, host keys, authorized keys and pid file,
/// a free port; it logs in the current user by key. Nothing of the machine's own sshd is touched.
/// </summary>
public sealed class SshdFixture : IAsyncLifetime
{
    private const string Sshd = "/usr/sbin/sshd";
    private Process? _sshd;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("gpubench-sshd-").FullName;

    public int Port { get; private set; }

    public string User { get; } = Environment.UserName;

    /// <summary>The authorized user key.</summary>
    public string UserKey => PathOf("user_key");

    /// <summary>A valid key the server does not know.</summary>
    public string StrangerKey => PathOf("stranger_key");

    public string Ed25519HostKey => PathOf("host_ed25519_key");

    public string EcdsaHostKey => PathOf("host_ecdsa_key");

    public static bool Available =>
        File.Exists(Sshd) && System.IO.Directory.Exists("/run/sshd") && Prerequisite.OnPath("ssh-keygen");

    public const string Missing =
        "needs OpenSSH (/usr/sbin/sshd, ssh-keygen; apt-get install openssh-server) and /run/sshd (.ci/prerequisites)";

    public async ValueTask InitializeAsync()
    {
        if (!Available)
        {
            return;
        }

        var ct = TestContext.Current.CancellationToken;
        await Task.WhenAll(
            KeygenAsync("-q", "-t", "ed25519", "-N", "", "-f", Ed25519HostKey),
            KeygenAsync("-q", "-t", "ecdsa", "-N", "", "-f", EcdsaHostKey),
            KeygenAsync("-q", "-t", "ed25519", "-N", "", "-f", UserKey),
            KeygenAsync("-q", "-t", "ed25519", "-N", "", "-f", StrangerKey));
        File.Copy(UserKey + ".pub", PathOf("authorized_keys"));
        Port = LoopbackPorts.Pick();
        await File.WriteAllTextAsync(PathOf("sshd_config"), $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {Ed25519HostKey}
            HostKey {EcdsaHostKey}
            AuthorizedKeysFile {PathOf("authorized_keys")}
            PermitRootLogin prohibit-password
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            UseDNS no
            PrintMotd no
            AllowTcpForwarding yes
            PidFile {PathOf("sshd.pid")}
            Subsystem sftp internal-sftp
            """, ct);
        await StartAsync(ct);
    }

    public string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>Options for this server; without a pin or known_hosts file the host is unknown.</summary>
    public SshServerOptions Options(string? hostKey = null, string? knownHosts = null, bool trustOnFirstUse = false, string? key = null) => new()
    {
        Host = "127.0.0.1",
        Port = Port,
        User = User,
        KeyFile = key ?? UserKey,
        HostKey = hostKey,
        KnownHostsFile = knownHosts ?? PathOf($"known_hosts-{Guid.NewGuid():N}"),
        TrustOnFirstUse = trustOnFirstUse,
        ConnectTimeout = TimeSpan.FromSeconds(20),
        KeepAliveInterval = TimeSpan.FromSeconds(5),
        RemoteRoot = PathOf("remote-root"),
    };

    /// <summary>Options that trust the server's ed25519 key by pinning it, for tests about something else.</summary>
    public async Task<SshServerOptions> PinnedOptionsAsync() => Options(hostKey: await FingerprintAsync(Ed25519HostKey));

    /// <summary>The fingerprint exactly as <c>ssh-keygen -lf</c> prints it, the way a user would copy it into config.</summary>
    public async Task<string> FingerprintAsync(string hostKey)
    {
        var output = await KeygenAsync("-lf", hostKey + ".pub");
        return output.Split(' ')[1];
    }

    /// <summary>A known_hosts line for one host key of this server (<c>[127.0.0.1]:port type base64</c>).</summary>
    public string KnownHostsLine(string hostKey)
    {
        var fields = File.ReadAllText(hostKey + ".pub").Split(' ');
        return $"[127.0.0.1]:{Port.ToString(CultureInfo.InvariantCulture)} {fields[0]} {fields[1]}";
    }

    public static SshConnector Connector() => new(NullLogger<SshConnector>.Instance);

    /// <summary>A link to this server with its host key pinned.</summary>
    public async Task<SshLink> LinkAsync(ReconnectPolicy? policy = null, SshServerOptions? options = null) =>
        await SshLink.ConnectAsync(
            options ?? await PinnedOptionsAsync(), Connector(), NullLogger<SshLink>.Instance, policy,
            cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>Cuts every client's link by killing the per-connection sshd processes; the listener stays.</summary>
    public int KillSessions()
    {
        var sessions = ChildrenOf(_sshd!.Id);
        foreach (var pid in sessions)
        {
            Kill(pid);
        }

        return sessions.Count;
    }

    /// <summary>
    /// Freezes every client's session (SIGSTOP): the TCP connection stays open but nothing answers, as when a box
    /// hangs or a network path silently drops packets. Returns the frozen pids, for <see cref="KillFrozen"/>.
    /// </summary>
    public async Task<IReadOnlyList<int>> FreezeSessionsAsync()
    {
        var sessions = ChildrenOf(_sshd!.Id);
        foreach (var pid in sessions)
        {
            using var stop = Process.Start("kill", ["-STOP", pid.ToString(CultureInfo.InvariantCulture)]);
            await stop.WaitForExitAsync();
        }

        return sessions;
    }

    public static void KillFrozen(IEnumerable<int> pids)
    {
        foreach (var pid in pids)
        {
            Kill(pid);
        }
    }

    /// <summary>Stops the whole server (listener and sessions), as a box rebooting would.</summary>
    public async Task StopAsync()
    {
        if (_sshd is null)
        {
            return;
        }

        foreach (var pid in ChildrenOf(_sshd.Id))
        {
            Kill(pid);
        }

        _sshd.Kill();
        await _sshd.WaitForExitAsync();
        _sshd.Dispose();
        _sshd = null;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Sshd, ["-D", "-e", "-f", PathOf("sshd_config")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start)!;
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("sshd exited: " + string.Join('\n', log)));
                return;
            }

            log.Enqueue(e.Data);
            if (e.Data.Contains("Server listening on", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        _sshd = process;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private async Task<string> KeygenAsync(params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("ssh-keygen", args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"ssh-keygen {string.Join(' ', args)} failed: {error}");
    }

    /// <summary>Encrypts a private key with a passphrase (<c>ssh-keygen -p</c>).</summary>
    public Task ChangePassphraseAsync(string key, string passphrase) =>
        KeygenAsync("-q", "-p", "-P", "", "-N", passphrase, "-f", key);

    /// <summary>Hashes a known_hosts file in place with OpenSSH's own tool (<c>ssh-keygen -H</c>).</summary>
    public async Task HashKnownHostsAsync(string path)
    {
        await KeygenAsync("-H", "-f", path);
        File.Delete(path + ".old");
    }

    private static List<int> ChildrenOf(int parent) =>
        System.IO.Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, CultureInfo.InvariantCulture, out _))
            .Select(name => int.Parse(name!, CultureInfo.InvariantCulture))
            .Where(pid => ParentOf(pid) == parent)
            .ToList();

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so count from the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    private static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }
}
