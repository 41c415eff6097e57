using Docker.DotNet.Models;

namespace GpuBench.Agent.Runtimes.Docker;

/// <summary>
/// The Engine API's create-container call for one replica, mapped from the same <see cref="ReplicaSpec"/> that
/// compose.yaml and command.txt are rendered from.
/// </summary>
public static class DockerContainerFactory
{
    /// <summary>
    /// Containers share the box's network namespace. The agent's OTLP endpoint is usually on the box's loopback
    /// (the dashboard on this machine, or the SSH tunnel's end on a remote box, which sshd binds to 127.0.0.1);
    /// a bridged container's 127.0.0.1 is its own, and host-gateway reaches the bridge address, where nothing
    /// listens. With the host's network the endpoint the agent was given works unchanged inside the container, the
    /// engine listens on 127.0.0.1:HostPort as a process replica does, so it stays off other interfaces, and NCCL
    /// between pipeline stages sees the box's real interfaces.
    /// </summary>
    public const string NetworkMode = "host";

    public static CreateContainerParameters Create(ReplicaSpec replica, IReadOnlyDictionary<string, string> secrets)
    {
        return new CreateContainerParameters
        {
            Name = replica.Name,
            Image = replica.Image,
            Cmd = [.. replica.EngineArguments],
            Env = [.. replica.Environment.Select(e => $"{e.Key}={e.Value}"), .. replica.SecretVariables.Select(v => $"{v}={secrets[v]}")],
            Labels = replica.Labels.ToDictionary(),
            HostConfig = new HostConfig
            {
                NetworkMode = NetworkMode,
                IpcMode = "host",
                ShmSize = replica.ShmSizeBytes,
                Binds = [.. replica.Mounts.Select(path => $"{path}:{path}")],
                DeviceRequests = replica.SimulatedGpus
                    ? []
                    : [new DeviceRequest
                    {
                        Driver = "nvidia",
                        DeviceIDs = [.. replica.GpuIds.Select(g => g.ToString(System.Globalization.CultureInfo.InvariantCulture))],
                        Capabilities = [["gpu"]],
                    }],
            },
        };
    }
}
