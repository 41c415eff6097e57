using GpuBench.Controller.Ssh;
using GpuBench.Core.Config;

namespace GpuBench.Controller.Campaigns;

/// <summary>How a campaign reaches its agents: the programs for local agents, the bundle for SSH boxes, SSH settings.</summary>
public sealed record AgentReach
{
    /// <summary>Programs for a local agent; null when none was found (a local server then fails with that reason).</summary>
    public AgentTools? LocalTools { get; init; }

    /// <summary>The bundle directory shipped to SSH boxes (`--bundle`); null fails every SSH server with a clear message.</summary>
    public string? BundleDirectory { get; init; }

    /// <summary>Adjusts the SSH settings derived from config.yml (known_hosts file, remote root, keep-alive).</summary>
    public Func<SshServerOptions, SshServerOptions> ConfigureSsh { get; init; } = o => o;

    public ReconnectPolicy? ReconnectPolicy { get; init; }
}

/// <summary>Opens an <see cref="IAgentSession"/> to a server's agent, local or over SSH.</summary>
public sealed class AgentConnector(
    AgentClientFactory clients,
    SshConnector connector,
    BundleUploader uploader,
    RemoteAgentLauncher launcher,
    ILogger<SshLink> linkLogger,
    TimeProvider time)
{
    public async Task<IAgentSession> ConnectAsync(ServerSpec server, AgentReach reach, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(reach);
        if (server.Ssh is not { } target)
        {
            var tools = reach.LocalTools ?? throw new InvalidOperationException(
                "No local agent: run under the AppHost, pass --bundle DIR, or install GpuBench.Agent, GpuBench.Gateway and GpuBench.Simulator next to gpubench.");
            return LocalAgentSession.Discovered(clients, tools)
                   ?? await LocalAgentSession.StartAsync(clients, tools, server, time, cancellationToken).ConfigureAwait(false);
        }

        if (reach.BundleDirectory is not { } directory)
        {
            throw new InvalidOperationException(
                $"Server {server.Name} is reached over SSH and needs the agent bundle: publish it (agent/, gateway/, simulator/ " +
                "self-contained) and pass --bundle DIR.");
        }

        var bundle = await AgentBundle.LoadAsync(directory, cancellationToken).ConfigureAwait(false);
        var options = reach.ConfigureSsh(SshAgentSession.OptionsFor(target));
        return await SshAgentSession.StartAsync(
            options, server, bundle, new SshConnections(connector, uploader, launcher, linkLogger, reach.ReconnectPolicy),
            clients, time, cancellationToken).ConfigureAwait(false);
    }
}
