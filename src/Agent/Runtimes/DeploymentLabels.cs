namespace GpuBench.Agent.Runtimes;

/// <summary>
/// Labels on everything an agent starts. Cleanup looks for <see cref="Managed"/> and this agent's <see cref="Agent"/>
/// only, so containers that are not GpuBench's, or are another agent's on the same box, are never touched.
/// </summary>
public static class DeploymentLabels
{
    public const string Managed = "gpubench.managed";
    public const string Campaign = "gpubench.campaign";
    public const string Run = "gpubench.run";
    public const string Deployment = "gpubench.deployment";
    public const string Replica = "gpubench.replica";

    /// <summary>The data directory of the agent that started the container: the agent that finds it after a crash.</summary>
    public const string Agent = "gpubench.agent";
}
