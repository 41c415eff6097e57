namespace GpuBench.Gateway.Admin;

/// <summary>What GET /admin/replicas answers.</summary>
public sealed record GatewayStatus(string Deployment, string Policy, IReadOnlyList<ReplicaStatus> Replicas);

/// <summary>
/// One replica as the gateway sees it. Health is Unknown, Healthy or Unhealthy; Available says whether new
/// requests may go there (active and passive health both not Unhealthy).
/// </summary>
public sealed record ReplicaStatus(string Address, int InFlight, string ActiveHealth, string PassiveHealth, bool Available);

/// <summary>Body of PUT /admin/policy.</summary>
public sealed record PolicyChange(string Policy);
