namespace GpuBench.Agent.Tests.Support;

/// <summary>
/// Tests that start agents, engines and gateways as processes run one at a time: together they would compete for
/// the same few cores and turn start-up times into flaky timeouts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AgentProcessCollection
{
    public const string Name = "agent processes";
}
