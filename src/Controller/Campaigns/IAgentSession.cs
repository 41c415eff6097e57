namespace GpuBench.Controller.Campaigns;

/// <summary>A reachable agent for one server's runs: its client, the programs on its box, and how to survive a drop.</summary>
public interface IAgentSession : IAsyncDisposable
{
    AgentClient Client { get; }

    /// <summary>The programs as the agent's box names them (the simulator's command line, for engine kind sim).</summary>
    AgentTools Tools { get; }

    /// <summary>
    /// After a call failed with <paramref name="error"/>: waits until the agent can be reached again (an SSH link
    /// reconnecting) and returns true, or returns false when it is lost for good.
    /// </summary>
    Task<bool> RecoverAsync(Exception error, CancellationToken cancellationToken);
}
