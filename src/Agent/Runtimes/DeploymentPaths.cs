using GpuBench.Agent.Hosting;

namespace GpuBench.Agent.Runtimes;

/// <summary>Where a deployment's files live under the agent's data directory.</summary>
public static class DeploymentPaths
{
    public static string Directory(AgentOptions options, string deploymentId) =>
        Path.Combine(options.DataDirectory, "deployments", deploymentId);

    public static string ReplicaLog(AgentOptions options, string deploymentId, int replica) =>
        Path.Combine(Directory(options, deploymentId), $"replica{replica}.log");

    /// <summary>Pid records of engine and gateway processes, so one sweep at agent start stops both.</summary>
    public static string ProcessRecords(AgentOptions options) => Path.Combine(options.DataDirectory, "processes");

    public static string GatewayLog(AgentOptions options, string deploymentId) =>
        Path.Combine(Directory(options, deploymentId), "gateway.log");

    /// <summary>vLLM's compile caches on this box (Agent:EngineCacheDirectory, else `engine-cache` in the data directory), kept across deployments.</summary>
    public static string EngineCache(AgentOptions options) =>
        string.IsNullOrEmpty(options.EngineCacheDirectory) ? Path.Combine(options.DataDirectory, "engine-cache") : options.EngineCacheDirectory;
}
