using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using YamlDotNet.Serialization;

namespace GpuBench.Agent.Runtimes;

/// <summary>
/// Renders compose.yaml for a docker deployment: one service per replica with the same image, flags, GPUs, ports,
/// mounts, network and labels as the containers the agent creates. Secret variables are listed by name only, which compose
/// fills from the caller's environment.
/// </summary>
public static class ComposeRenderer
{
    public static string Render(DeploymentPlan plan)
    {
        var services = new Dictionary<string, object>();
        foreach (var replica in plan.Replicas)
        {
            var service = new Dictionary<string, object>
            {
                ["image"] = replica.Image,
                ["container_name"] = replica.Name,
                ["command"] = replica.EngineArguments.ToArray(),
                ["environment"] = replica.Environment.Select(e => $"{e.Key}={e.Value}").Concat(replica.SecretVariables).ToArray(),
                ["network_mode"] = Docker.DockerContainerFactory.NetworkMode,
                ["ipc"] = "host",
                ["shm_size"] = replica.ShmSizeBytes,
                ["labels"] = replica.Labels.ToDictionary(),
            };
            if (replica.Mounts.Count > 0)
            {
                service["volumes"] = replica.Mounts.Select(path => $"{path}:{path}").ToArray();
            }

            if (!replica.SimulatedGpus)
            {
                service["deploy"] = new Dictionary<string, object>
                {
                    ["resources"] = new Dictionary<string, object>
                    {
                        ["reservations"] = new Dictionary<string, object>
                        {
                            ["devices"] = new[]
                            {
                                new Dictionary<string, object>
                                {
                                    ["driver"] = "nvidia",
                                    ["device_ids"] = replica.GpuIds.Select(g => g.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
                                    ["capabilities"] = new[] { "gpu" },
                                },
                            },
                        },
                    },
                };
            }

            services[$"replica{replica.Index}"] = service;
        }

        var compose = new Dictionary<string, object>
        {
            ["name"] = $"gpubench-{plan.Id}",
            ["services"] = services,
        };
        var header = $"# GpuBench deployment {plan.Id}: {plan.Request.Layout} of {plan.Request.Engine.Model}\n";
        return header + new SerializerBuilder().Build().Serialize(compose);
    }

    /// <summary>The rendered files for the result; compose.yaml only where docker ran the engines.</summary>
    public static RenderedDeployment RenderAll(DeploymentPlan plan) =>
        new(plan.Runtime == RuntimeKind.Docker ? Render(plan) : null, CommandLineRenderer.Render(plan));
}
