namespace GpuBench.Agent.Runtimes;

/// <summary>
/// Labels on everything an agent starts. Cleanup looks for <see cref="Managed"/> only, so containers that are not
/// GpuBench's are never touched.
/// </summary>
public static class DeploymentLabels
{
    public const string Managed = "gpubench.managed";
    public const string Campaign = "gpubench.campaign";
    public const string Run = "gpubench.run";
    public const string Deployment = "gpubench.deployment";
    public const string Replica = "gpubench.replica";
}
