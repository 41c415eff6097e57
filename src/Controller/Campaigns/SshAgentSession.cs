using GpuBench.Controller.Ssh;
using GpuBench.Core.Config;

namespace GpuBench.Controller.Campaigns;

/// <summary>
/// An agent on a box reached over SSH: the bundle uploaded when its content changed, the agent started detached with
/// a fresh token, reached through a local port forward, and given a remote forward for OTLP when this process
/// exports telemetry. A dropped link is waited out (<see cref="SshLink"/> reconnects and restores the forwards); the
/// agent kept running meanwhile and still holds every result until it is acknowledged.
/// </summary>
public sealed class SshAgentSession : IAgentSession
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string OtlpHeadersVariable = "OTEL_EXPORTER_OTLP_HEADERS";

    private readonly SshLink _link;
    private readonly RemoteAgentLauncher _launcher;
    private readonly RemoteAgent _agent;

    private SshAgentSession(SshLink link, RemoteAgentLauncher launcher, RemoteAgent agent, AgentClient client, AgentTools tools)
    {
        _link = link;
        _launcher = launcher;
        _agent = agent;
        Client = client;
        Tools = tools;
    }

    public AgentClient Client { get; }

    public AgentTools Tools { get; }

    /// <summary>The link, for callers that want to watch its state (the live view, tests).</summary>
    public SshLink Link => _link;

    /// <summary>The SSH settings config.yml gives a server.</summary>
    public static SshServerOptions OptionsFor(SshTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new SshServerOptions
        {
            Host = target.Host,
            Port = target.Port,
            User = target.User,
            KeyFile = target.KeyPath,
            HostKey = target.HostKey,
            TrustOnFirstUse = target.TrustOnFirstUse,
        };
    }

    public static async Task<SshAgentSession> StartAsync(
        SshServerOptions options,
        ServerSpec server,
        AgentBundle bundle,
        SshConnections ssh,
        AgentClientFactory clients,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ssh);
        ArgumentNullException.ThrowIfNull(clients);
        var link = await SshLink.ConnectAsync(options, ssh.Connector, ssh.LinkLogger, ssh.Policy, time, cancellationToken).ConfigureAwait(false);
        try
        {
            var remote = await ssh.Uploader.EnsureUploadedAsync(options, bundle, cancellationToken).ConfigureAwait(false);
            var tools = AgentTools.InBundle(remote.Path);

            // results wait for acknowledgement under GpuBench's root on the box, which outlives any one agent.
            var root = remote.Path[..remote.Path.LastIndexOf("/bundles/", StringComparison.Ordinal)];
            var token = AgentClientFactory.NewToken();
            var environment = LocalAgentSession.AgentEnvironment(token, $"{root}/data", tools, server);
            await AddOtlpAsync(link, environment, cancellationToken).ConfigureAwait(false);

            var agent = await ssh.Launcher.StartAsync(link, remote, new AgentLaunchSpec
            {
                Executable = AgentTools.AgentPath,
                Environment = environment,
            }, cancellationToken).ConfigureAwait(false);
            try
            {
                var forward = await link.ForwardLocalAsync(agent.Port, cancellationToken).ConfigureAwait(false);
                var client = clients.Create(forward.Uri, token);
                await AgentClientFactory.WaitHealthyAsync(forward.Uri, TimeSpan.FromSeconds(60), () => null, time, cancellationToken).ConfigureAwait(false);
                return new SshAgentSession(link, ssh.Launcher, agent, client, tools);
            }
            catch
            {
                await ssh.Launcher.StopAsync(link, agent, TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
        catch
        {
            await link.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<bool> RecoverAsync(Exception error, CancellationToken cancellationToken)
    {
        if (_link.State is SshLinkState.Lost or SshLinkState.Closed)
        {
            return false;
        }

        try
        {
            // A drop is seen by the link's keep-alive probe within its interval; until then the link may still
            // say Connected while the forward fails, so a failed call is retried after a short pause either way.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            await _link.WaitUntilConnectedAsync(cancellationToken).ConfigureAwait(false);
            return await _launcher.IsRunningAsync(_link, _agent, cancellationToken).ConfigureAwait(false);
        }
        catch (SshTransportException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await _launcher.StopAsync(_link, _agent, TimeSpan.FromSeconds(20), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SshTransportException or OperationCanceledException or Renci.SshNet.Common.SshException)
        {
            // The box is unreachable: the agent stays until the box's next campaign stops it or the box restarts.
        }

        await _link.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// When this process exports OTLP, the box's agent gets a remote forward to the same collector, so its spans and
    /// metrics reach the local dashboard; the headers (maybe an API key) go into the agent's 0600 environment file.
    /// </summary>
    private static async Task AddOtlpAsync(SshLink link, Dictionary<string, string> environment, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable(OtlpEndpointVariable) is not { Length: > 0 } endpoint ||
            !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            return;
        }

        var forward = await link.ForwardRemoteAsync(uri.Port, cancellationToken, localHost: uri.Host == "localhost" ? "127.0.0.1" : uri.Host).ConfigureAwait(false);
        environment[OtlpEndpointVariable] = new UriBuilder(uri) { Host = "127.0.0.1", Port = forward.BoxPort }.Uri.ToString().TrimEnd('/');
        if (Environment.GetEnvironmentVariable(OtlpHeadersVariable) is { Length: > 0 } headers)
        {
            environment[OtlpHeadersVariable] = headers;
        }
    }
}

/// <summary>The SSH pieces a campaign uses to reach its boxes.</summary>
public sealed record SshConnections(
    SshConnector Connector,
    BundleUploader Uploader,
    RemoteAgentLauncher Launcher,
    ILogger<SshLink> LinkLogger,
    ReconnectPolicy? Policy = null);
