using System.Collections.Frozen;
using Yarp.ReverseProxy.LoadBalancing;

namespace GpuBench.Gateway.LoadBalancing;

/// <summary>The policy names GpuBench accepts and the YARP policy each one selects.</summary>
public static class BalancingPolicies
{
    public const string LeastRequests = "least-requests";
    public const string RoundRobin = "round-robin";
    public const string PowerOfTwoChoices = "power-of-two-choices";
    public const string QueueAware = "queue-aware";

    private static readonly FrozenDictionary<string, string> YarpNames = new Dictionary<string, string>
    {
        [LeastRequests] = LeastRequestsPolicy.PolicyName,
        [RoundRobin] = LoadBalancingPolicies.RoundRobin,
        [PowerOfTwoChoices] = LoadBalancingPolicies.PowerOfTwoChoices,
        [QueueAware] = QueueAwarePolicy.PolicyName,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static IEnumerable<string> Names => [LeastRequests, RoundRobin, PowerOfTwoChoices, QueueAware];

    public static bool IsKnown(string? name) => name is not null && YarpNames.ContainsKey(name);

    public static string YarpName(string name) => YarpNames[name];
}
