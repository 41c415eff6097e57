using GpuBench.Controller.Ssh;
using GpuBench.Core.Config;

namespace GpuBench.Controller.Campaigns;

/// <summary>How a campaign reaches its agents: the programs for local agents, the bundle for SSH boxes, SSH settings.</summary>
public sealed record AgentReach
{
    /// <summary>Programs for a local agent; null when none was found (a local server then fails with that reason).</summary>
    public AgentTools? LocalTools { get; init; }

    /// <summary>The bundle directory shipped to SSH boxes (`--bundle`); null: the bundle of the box's runtime id in <see cref="Bundles"/>.</summary>
    public string? BundleDirectory { get; init; }

    /// <summary>Where `gpubench bundle` put its bundles; null (and no <see cref="BundleDirectory"/>) fails every SSH server with a clear message.</summary>
    public BundleStore? Bundles { get; init; }

    /// <summary>
    /// More settings for the agents the campaign starts (a local child or over SSH), as environment variables in the
    /// agent's configuration syntax, e.g. Agent__HubEndpoint for a Hub mirror. Never secrets: those travel per deployment.
    /// </summary>
    public IReadOnlyDictionary<string, string> AgentSettings { get; init; } = new Dictionary<string, string>();

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
                "No local agent: run under the AppHost, build the bundle with `gpubench bundle`, pass --bundle DIR, or install GpuBench.Agent, GpuBench.Gateway and GpuBench.Simulator next to gpubench.");
            return await LocalAgentSession.StartAsync(clients, tools, server, time, cancellationToken, reach.AgentSettings).ConfigureAwait(false);
        }

        if (reach.BundleDirectory is null && reach.Bundles is null)
        {
            throw new InvalidOperationException(
                $"Server {server.Name} is reached over SSH and needs the agent bundle: build it with `gpubench bundle`, or pass --bundle DIR.");
        }

        // One connection tells both which bundle the box runs and where its relative remote root lies.
        var configured = reach.ConfigureSsh(RemoteAgentSession.OptionsFor(target));
        var facts = await BoxFacts.ReadAsync(connector, configured, cancellationToken).ConfigureAwait(false);
        var directory = reach.BundleDirectory ?? StoredBundle(server, facts, reach.Bundles!);
        var bundle = await AgentBundle.LoadAsync(directory, cancellationToken).ConfigureAwait(false);
        return await RemoteAgentSession.StartAsync(
            facts.Resolve(configured), server, bundle, sessions, launcher, clients, reach.ReconnectPolicy, time, cancellationToken, reach.AgentSettings).ConfigureAwait(false);
    }

    /// <summary>The stored bundle for the box's runtime id, which the box tells with `uname -sm`.</summary>
    private static string StoredBundle(ServerSpec server, BoxFacts facts, BundleStore bundles)
    {
        var runtimeId = RuntimeIds.FromUname(facts.UnameSm) ?? throw new InvalidOperationException(
            $"Server {server.Name} is '{facts.UnameSm}' (uname -sm); agent bundles are built for {string.Join(", ", RuntimeIds.Supported)} only.");
        return bundles.Require(runtimeId).Directory;
    }
}
