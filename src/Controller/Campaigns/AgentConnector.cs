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
    SshAgentSessions sessions,
    RemoteAgentLauncher launcher,
    TimeProvider time)
{
    public async Task<IAgentSession> ConnectAsync(ServerSpec server, AgentReach reach, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(reach);
        if (server.Ssh is not { } target)
        {
            if (LocalAgentSession.Discovered(clients, reach.LocalTools ?? AgentTools.ForStartedAgent(), server) is { } discovered)
            {
                return discovered;
            }

            var tools = reach.LocalTools ?? throw new InvalidOperationException(
                "No local agent: run under the AppHost, pass --bundle DIR, or install GpuBench.Agent, GpuBench.Gateway and GpuBench.Simulator next to gpubench.");
            return await LocalAgentSession.StartAsync(clients, tools, server, time, cancellationToken).ConfigureAwait(false);
        }

        if (reach.BundleDirectory is not { } directory)
        {
            throw new InvalidOperationException(
                $"Server {server.Name} is reached over SSH and needs the agent bundle: publish it (agent/, gateway/, simulator/ " +
                "self-contained) and pass --bundle DIR.");
        }

        var bundle = await AgentBundle.LoadAsync(directory, cancellationToken).ConfigureAwait(false);
        var options = reach.ConfigureSsh(RemoteAgentSession.OptionsFor(target));
        return await RemoteAgentSession.StartAsync(
            options, server, bundle, connector, sessions, launcher, clients, reach.ReconnectPolicy, time, cancellationToken).ConfigureAwait(false);
    }
}
