using GpuBench.Controller.Ssh;
using GpuBench.Core.Config;

namespace GpuBench.Controller.Campaigns;

/// <summary>
/// A campaign's agent on a box reached over SSH (<see cref="SshAgentSessions"/>: bundle, detached agent, forwards,
/// reconnects). A dropped link is waited out; the agent kept running meanwhile and still holds every result until
/// it is acknowledged. At the end the agent is stopped, which tears down whatever it still runs.
/// </summary>
public sealed class RemoteAgentSession : IAgentSession
{
    public const string OtlpHeadersVariable = "OTEL_EXPORTER_OTLP_HEADERS";

    private readonly SshAgentSession _ssh;
    private readonly RemoteAgentLauncher _launcher;

    private RemoteAgentSession(SshAgentSession ssh, RemoteAgentLauncher launcher, AgentClient client)
    {
        _ssh = ssh;
        _launcher = launcher;
        Client = client;
        Tools = AgentTools.InBundle(ssh.Bundle.Path);
    }

    public AgentClient Client { get; }

    public AgentTools Tools { get; }

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

    /// <summary>Starts the agent on the box; <paramref name="options"/> name an absolute remote root (<see cref="BoxFacts.Resolve"/>).</summary>
    public static async Task<RemoteAgentSession> StartAsync(
        SshServerOptions options,
        ServerSpec server,
        AgentBundle bundle,
        SshAgentSessions sessions,
        RemoteAgentLauncher launcher,
        AgentClientFactory clients,
        ReconnectPolicy? reconnect,
        TimeProvider time,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(clients);

        // The agent is told absolute paths (its gateway, its data).
        if (!options.RemoteRoot.StartsWith('/'))
        {
            throw new ArgumentException($"The remote root must be absolute here, not '{options.RemoteRoot}'.", nameof(options));
        }

        var root = options.RemoteRoot.TrimEnd('/');
        var onBox = AgentTools.InBundle($"{root}/bundles/{bundle.Hash}");
        var environment = LocalAgentSession.AgentEnvironment($"{root}/data", onBox, server, settings);
        if (Environment.GetEnvironmentVariable(OtlpHeadersVariable) is { Length: > 0 } headers)
        {
            // Maybe an API key: it travels in the agent's 0600 environment file, never on a command line.
            environment[OtlpHeadersVariable] = headers;
        }

        var otlp = Environment.GetEnvironmentVariable(SshAgentSessions.OtlpEndpointVariable) is { Length: > 0 } endpoint
                   && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? uri : null;
        var ssh = await sessions.StartAsync(options, bundle, new AgentLaunchSpec
        {
            Executable = AgentTools.AgentPath,
            Environment = environment,
        }, otlp, cancellationToken, reconnect).ConfigureAwait(false);
        try
        {
            var client = clients.Create(ssh.AgentUri, ssh.Token);
            await AgentClientFactory.WaitHealthyAsync(ssh.AgentUri, TimeSpan.FromSeconds(60), () => null, time, cancellationToken).ConfigureAwait(false);
            return new RemoteAgentSession(ssh, launcher, client);
        }
        catch
        {
            await ssh.StopAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public async Task<bool> RecoverAsync(Exception error, CancellationToken cancellationToken)
    {
        var link = _ssh.Link;
        if (link.State is SshLinkState.Lost or SshLinkState.Closed)
        {
            return false;
        }

        try
        {
            // A drop is seen by the link's liveness probe within its keep-alive interval; until then the link may
            // still say Connected while the forward fails, so a failed call is retried after a short pause either way.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            await link.WaitUntilConnectedAsync(cancellationToken).ConfigureAwait(false);
            return await _launcher.IsRunningAsync(link, _ssh.Agent, cancellationToken).ConfigureAwait(false);
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
            await _ssh.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SshTransportException or OperationCanceledException or Renci.SshNet.Common.SshException)
        {
            // The box cannot be reached: the agent stays until the box's next campaign or restart; close the link.
            await _ssh.DisposeAsync().ConfigureAwait(false);
        }
    }
}
