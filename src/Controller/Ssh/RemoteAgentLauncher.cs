using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GpuBench.Core.Net;
using GpuBench.Core.Runtime;

namespace GpuBench.Controller.Ssh;

/// <summary>What to start from an uploaded bundle, and on which box port (0: the agent picks one).</summary>
public sealed record AgentLaunchSpec
{
    /// <summary>The program, relative to the bundle directory (e.g. <c>agent/GpuBench.Agent</c>).</summary>
    public required string Executable { get; init; }

    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Extra environment for the agent (e.g. the OTLP endpoint of a remote forward).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The 127.0.0.1 port to listen on; 0 lets the agent pick a free one, read back from its log.</summary>
    public int Port { get; init; }

    /// <summary>How long the agent may take to say it listens.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>An agent running detached on a box: its process, its 127.0.0.1 port there and the token it requires.</summary>
public sealed record RemoteAgent(int ProcessId, int Port, string Token, string Directory)
{
    public string LogPath => $"{Directory}/{RemoteAgentLauncher.LogName}";

    /// <summary>Never the token: records print in logs.</summary>
    public override string ToString() => $"RemoteAgent {{ ProcessId = {ProcessId}, Port = {Port}, Directory = {Directory} }}";
}

/// <summary>
/// An agent folder found on a box: the agent's pid, whether it was running, the controller that started it, and
/// whether it was <see cref="Removed"/> (stopped first when it ran) because that controller is gone.
/// </summary>
public sealed record LeftAgent(string Directory, int? ProcessId, bool Running, ProcessIdentity? Controller, bool Removed);

/// <summary>
/// Starts the agent on a box so it outlives the SSH session (own session via setsid, no terminal, output to a log,
/// pid in a file), bound to 127.0.0.1, with a fresh token that travels over the SSH channel's stdin into a 0600 file
/// and from there into the agent's environment — never onto a command line, where <c>ps</c> would show it. Beside
/// it goes the <see cref="ProcessIdentity"/> of the controller that started it, so that the next controller can
/// stop an agent whose controller was killed (<see cref="ReplaceOrphansAsync"/>) instead of leaving it running.
/// </summary>
public sealed class RemoteAgentLauncher(ILogger<RemoteAgentLauncher> logger, TimeProvider time)
{
    /// <summary>
    /// The agent's <c>Agent:Token</c> setting as ASP.NET Core configuration reads it from the environment: the bearer
    /// token every call to the agent must carry.
    /// </summary>
    public const string TokenVariable = "Agent__Token";

    /// <summary>ASP.NET Core's listen address setting; it binds the agent to 127.0.0.1 only.</summary>
    public const string UrlsVariable = "ASPNETCORE_URLS";

    public const string LogName = "agent.log";

    private const string PidName = "agent.pid";
    private const string EnvironmentName = "agent.env";
    private const string ControllerName = "controller";

    /// <summary>The controller recorded beside every agent this launcher starts.</summary>
    public ProcessIdentity Identity { get; init; } = ProcessIdentity.Current;

    public async Task<RemoteAgent> StartAsync(
        SshLink link, RemoteBundle bundle, AgentLaunchSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(spec);
        var paths = await PathsAsync(link, cancellationToken).ConfigureAwait(false);
        var id = $"{time.GetUtcNow():yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var directory = $"{paths.Agents}/{id}";
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        // The token and every environment value (some may be secrets, like an OTLP API key) travel over the SSH
        // channel's stdin into a 0600 file that the launch script sources, so no value is on any command line.
        var environment = new StringBuilder()
            .Append(ShellQuote.Assignment(TokenVariable, token)).Append('\n')
            .Append(ShellQuote.Assignment(UrlsVariable, $"http://127.0.0.1:{spec.Port.ToString(CultureInfo.InvariantCulture)}")).Append('\n');
        foreach (var (name, value) in spec.Environment)
        {
            environment.Append(ShellQuote.Assignment(name, value)).Append('\n');
        }

        await RunCheckedAsync(
            link,
            $"umask 077 && mkdir -p -- {ShellQuote.Quote(directory)} && " +
            $"printf '%s\\n' {ShellQuote.Quote(Identity.ToString())} > {ShellQuote.Quote($"{directory}/{ControllerName}")} && " +
            $"cat > {ShellQuote.Quote($"{directory}/{EnvironmentName}")}",
            environment.ToString(),
            "write the agent's environment",
            cancellationToken).ConfigureAwait(false);

        var argv = new List<string> { $"{bundle.Path}/{spec.Executable}" };
        argv.AddRange(spec.Arguments);
        argv.Add(LoopbackPorts.ListeningLineArgument);

        // A background simple command in a non-interactive shell is not a process group leader, so setsid and
        // nohup both exec in place and $! is the agent's own pid. The agent keeps the user's umask: files it makes
        // for engine containers must stay readable to them; the 0700 directory already guards its log.
        var script =
            $"cd -- {ShellQuote.Quote(directory)} || exit 1\n" +
            $"set -a; . ./{EnvironmentName} || exit 1; set +a\n" +
            $"setsid nohup {ShellQuote.Join(argv)} > {LogName} 2>&1 < /dev/null &\n" +
            $"echo $! > {PidName}\n" +
            "echo $!\n";
        var pidText = await RunCheckedAsync(link, script, null, "start the agent", cancellationToken).ConfigureAwait(false);
        var pid = int.Parse(pidText.Trim(), CultureInfo.InvariantCulture);
        logger.LogInformation("Started the agent on {Server} as pid {Pid} in {Directory}", link.Server.Display, pid, directory);

        var port = await ReadPortAsync(link, pid, directory, spec.StartTimeout, cancellationToken).ConfigureAwait(false);
        return new RemoteAgent(pid, port, token, directory);
    }

    /// <summary>Whether the agent's process is still there (e.g. after a reconnect).</summary>
    public async Task<bool> IsRunningAsync(SshLink link, RemoteAgent agent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(agent);
        var result = await link.RunShellAsync(
            $"kill -0 {Pid(agent.ProcessId)} 2>/dev/null", null, cancellationToken).ConfigureAwait(false);
        return result.Succeeded;
    }

    /// <summary>Asks the agent to stop (SIGTERM), and kills it when it has not within <paramref name="grace"/>.</summary>
    public async Task StopAsync(SshLink link, RemoteAgent agent, TimeSpan grace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(agent);
        var pid = Pid(agent.ProcessId);
        var tenths = Math.Max(1, (int)(grace.TotalSeconds * 10)).ToString(CultureInfo.InvariantCulture);
        var script =
            $"kill {pid} 2>/dev/null || exit 0\n" +
            $"i=0; while [ $i -lt {tenths} ]; do kill -0 {pid} 2>/dev/null || exit 0; sleep 0.1; i=$((i+1)); done\n" +
            $"kill -9 {pid} 2>/dev/null; exit 0\n";
        await RunCheckedAsync(link, script, null, "stop the agent", cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Stopped the agent pid {Pid} on {Server}", agent.ProcessId, link.Server.Display);
    }

    /// <summary>
    /// Stops every agent under the box's agents/ folder whose controller is gone from this machine (killed, crashed)
    /// and removes its folder (its agent.env holds a token); agents of a live controller, of one on another machine,
    /// or of an unknown one are left alone, running or not. A pid counts as the agent only when that process runs in
    /// the agent's folder, so a recycled pid is never signalled. Returns what it found.
    /// </summary>
    public async Task<IReadOnlyList<LeftAgent>> ReplaceOrphansAsync(SshLink link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        var agents = (await PathsAsync(link, cancellationToken).ConfigureAwait(false)).Agents;
        var script =
            $"for d in {ShellQuote.Quote(agents)}/*/; do\n" +
            "  [ -d \"$d\" ] || continue; d=${d%/}\n" +
            $"  pid=$(head -n 1 \"$d/{PidName}\" 2>/dev/null)\n" +
            "  state=stopped\n" +
            "  real=$(cd \"$d\" 2>/dev/null && pwd -P)\n" +
            "  case \"$pid\" in ''|*[!0-9]*) pid= ;; *) [ -n \"$real\" ] && [ \"$(readlink \"/proc/$pid/cwd\" 2>/dev/null)\" = \"$real\" ] && state=running ;; esac\n" +
            $"  printf '%s\\t%s\\t%s\\t%s\\n' \"$d\" \"$pid\" \"$state\" \"$(head -n 1 \"$d/{ControllerName}\" 2>/dev/null)\"\n" +
            "done; exit 0\n";
        var listing = await RunCheckedAsync(link, script, null, "list the agents left on the box", cancellationToken).ConfigureAwait(false);
        var found = new List<LeftAgent>();
        foreach (var line in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('\t');
            if (fields.Length != 4)
            {
                continue;
            }

            int? pid = int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;
            var running = fields[2] == "running";
            var controller = ProcessIdentity.Parse(fields[3]);
            if (controller is null || controller == Identity || !controller.IsGoneFromThisMachine())
            {
                if (running)
                {
                    logger.LogInformation(
                        "The agent pid {Pid} in {Directory} on {Server} belongs to {Controller}, running or unknown: left alone",
                        pid, fields[0], link.Server.Display, controller?.ToString() ?? "an unknown controller");
                }

                found.Add(new LeftAgent(fields[0], pid, running, controller, Removed: false));
                continue;
            }

            if (running && pid is { } agentPid)
            {
                // SIGTERM: the agent tears down the engines and gateway it still runs before it exits.
                logger.LogWarning(
                    "The agent pid {Pid} in {Directory} on {Server} was left by controller {Controller}, which is gone: stopping it",
                    agentPid, fields[0], link.Server.Display, controller);
                await StopAsync(link, new RemoteAgent(agentPid, 0, "", fields[0]), TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            }

            await RunCheckedAsync(link, $"rm -rf -- {ShellQuote.Quote(fields[0])}", null, "remove a left agent's folder", cancellationToken).ConfigureAwait(false);
            found.Add(new LeftAgent(fields[0], pid, running, controller, Removed: true));
        }

        return found;
    }

    /// <summary>The box's GpuBench paths, the root resolved against the remote user's home.</summary>
    private static async Task<RemotePaths> PathsAsync(SshLink link, CancellationToken cancellationToken)
    {
        if (link.Server.RemoteRoot.StartsWith('/'))
        {
            return new RemotePaths(link.Server.RemoteRoot.TrimEnd('/'));
        }

        var home = await RunCheckedAsync(link, "printf '%s' \"$HOME\"", null, "find the home directory", cancellationToken).ConfigureAwait(false);
        return RemotePaths.For(link.Server, home);
    }

    private async Task<int> ReadPortAsync(
        SshLink link, int pid, string directory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        var probe =
            $"kill -0 {Pid(pid)} 2>/dev/null && echo running || echo exited\n" +
            $"tail -c 65536 -- {ShellQuote.Quote($"{directory}/{LogName}")} 2>/dev/null; exit 0\n";
        while (true)
        {
            var output = await RunCheckedAsync(link, probe, null, "read the agent's log", cancellationToken).ConfigureAwait(false);
            var newline = output.IndexOf('\n', StringComparison.Ordinal);
            var status = newline < 0 ? output : output[..newline];
            var log = newline < 0 ? "" : output[(newline + 1)..];
            if (LoopbackPorts.ListeningPort(log) is { } port)
            {
                return port;
            }

            if (status.Trim() != "running")
            {
                throw new SshTransportException(
                    SshFailure.RemoteCommand,
                    $"The agent on {link.Server.Display} exited before listening. The end of {directory}/{LogName}:\n{Tail(log)}");
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new SshTransportException(
                    SshFailure.RemoteCommand,
                    $"The agent on {link.Server.Display} (pid {pid}) did not report a listening address within " +
                    $"{timeout.TotalSeconds:0} s. The end of {directory}/{LogName}:\n{Tail(log)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<string> RunCheckedAsync(
        SshLink link, string script, string? input, string what, CancellationToken cancellationToken)
    {
        var result = await link.RunShellAsync(script, input, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new SshTransportException(
                SshFailure.RemoteCommand,
                $"Could not {what} on {link.Server.Display} (exit status {result.ExitStatus?.ToString(CultureInfo.InvariantCulture) ?? "none"}): {result.Error.Trim()}");
        }

        return result.Output;
    }

    private static string Pid(int pid) => ShellQuote.Quote(pid.ToString(CultureInfo.InvariantCulture));

    private static string Tail(string log)
    {
        var lines = log.TrimEnd().Split('\n');
        return string.Join('\n', lines.TakeLast(20));
    }
}
