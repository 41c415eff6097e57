namespace GpuBench.Controller.Ssh;

/// <summary>
/// The agent on one SSH-reached box, as the controller talks to it: <see cref="AgentUri"/> (a local forward to the
/// agent's 127.0.0.1 port on the box) with <see cref="Token"/>, over a link that reconnects by itself. Disposing
/// closes the link and leaves the agent running, so a run's result can still be picked up; <see cref="StopAsync"/>
/// ends the agent too.
/// </summary>
public sealed class SshAgentSession : IAsyncDisposable
{
    private readonly RemoteAgentLauncher _launcher;

    internal SshAgentSession(SshLink link, RemoteBundle bundle, RemoteAgent agent, LocalForward agentForward,
        RemoteForward? telemetryForward, RemoteAgentLauncher launcher)
    {
        Link = link;
        Bundle = bundle;
        Agent = agent;
        AgentForward = agentForward;
        TelemetryForward = telemetryForward;
        _launcher = launcher;
    }

    public SshLink Link { get; }

    public RemoteBundle Bundle { get; }

    public RemoteAgent Agent { get; }

    public LocalForward AgentForward { get; }

    /// <summary>The box port the agent exports OTLP to, forwarded to the local endpoint; null without telemetry.</summary>
    public RemoteForward? TelemetryForward { get; }

    public Uri AgentUri => AgentForward.Uri;

    /// <summary>The bearer token the agent requires on every call.</summary>
    public string Token => Agent.Token;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _launcher.StopAsync(Link, Agent, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        await Link.DisposeAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => Link.DisposeAsync();
}

/// <summary>
/// Brings an agent up on an SSH box: bundle uploaded if its content changed, link opened, the agents of killed
/// controllers stopped, OTLP forwarded from the box to the local endpoint, agent started detached, and a local
/// forward to it.
/// </summary>
public sealed class SshAgentSessions(
    SshConnector connector,
    BundleUploader uploader,
    RemoteAgentLauncher launcher,
    ILoggerFactory loggers,
    TimeProvider time)
{
    /// <summary>The variable OpenTelemetry SDKs read their OTLP endpoint from.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Starts the agent; <paramref name="otlpEndpoint"/> is the local OTLP endpoint (the dashboard's) or null.</summary>
    public async Task<SshAgentSession> StartAsync(
        SshServerOptions server,
        AgentBundle bundle,
        AgentLaunchSpec spec,
        Uri? otlpEndpoint,
        CancellationToken cancellationToken,
        ReconnectPolicy? reconnect = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var remoteBundle = await uploader.EnsureUploadedAsync(server, bundle, cancellationToken).ConfigureAwait(false);
        var link = await SshLink.ConnectAsync(
            server, connector, loggers.CreateLogger<SshLink>(), reconnect, time, cancellationToken).ConfigureAwait(false);
        try
        {
            RemoteForward? telemetry = null;
            if (otlpEndpoint is not null)
            {
                telemetry = await link.ForwardRemoteAsync(otlpEndpoint.Port, cancellationToken, localHost: otlpEndpoint.Host)
                    .ConfigureAwait(false);
                spec = spec with
                {
                    Environment = new Dictionary<string, string>(spec.Environment)
                    {
                        [OtlpEndpointVariable] = OnBox(otlpEndpoint, telemetry.BoxPort).ToString(),
                    },
                };
            }

            // An agent a killed controller left would hold the box's GPUs and ports, and nobody would stop it.
            await launcher.ReplaceOrphansAsync(link, cancellationToken).ConfigureAwait(false);
            var agent = await launcher.StartAsync(link, remoteBundle, spec, cancellationToken).ConfigureAwait(false);
            var forward = await link.ForwardLocalAsync(agent.Port, cancellationToken).ConfigureAwait(false);
            return new SshAgentSession(link, remoteBundle, agent, forward, telemetry, launcher);
        }
        catch
        {
            await link.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The endpoint as the box reaches it: same scheme and path, the forwarded port, and "localhost" kept when the
    /// local endpoint used it (a TLS certificate for localhost still matches), else 127.0.0.1.
    /// </summary>
    public static Uri OnBox(Uri local, int boxPort) => new UriBuilder(local)
    {
        Host = local.IsLoopback && local.Host == "localhost" ? "localhost" : "127.0.0.1",
        Port = boxPort,
    }.Uri;
}
