using Docker.DotNet.Models;

namespace GpuBench.Agent.Runtimes.Docker;

/// <summary>
/// The Engine API's create-container call for one replica, mapped from the same <see cref="ReplicaSpec"/> that
/// compose.yaml and command.txt are rendered from.
/// </summary>
public static class DockerContainerFactory
{
    public static CreateContainerParameters Create(ReplicaSpec replica, IReadOnlyDictionary<string, string> secrets)
    {
        var containerPort = $"{replica.ContainerPort}/tcp";
        return new CreateContainerParameters
        {
            Name = replica.Name,
            Image = replica.Image,
            Cmd = [.. replica.EngineArguments],
            Env = [.. replica.Environment.Select(e => $"{e.Key}={e.Value}"), .. replica.SecretVariables.Select(v => $"{v}={secrets[v]}")],
            Labels = replica.Labels.ToDictionary(),
            ExposedPorts = new Dictionary<string, EmptyStruct> { [containerPort] = default },
            HostConfig = new HostConfig
            {
                IpcMode = "host",
                ShmSize = replica.ShmSizeBytes,
                PortBindings = new Dictionary<string, IList<PortBinding>>
                {
                    // 127.0.0.1 only: the engine has no auth, and the load runs on this box.
                    [containerPort] = [new PortBinding { HostIP = "127.0.0.1", HostPort = replica.HostPort.ToString(System.Globalization.CultureInfo.InvariantCulture) }],
                },
                Binds = replica.ModelCacheDir is { } cache ? [$"{cache}:{cache}"] : [],
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
