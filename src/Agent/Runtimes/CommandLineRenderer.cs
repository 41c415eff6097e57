using System.Globalization;
using System.Text;
using GpuBench.Core.Config;

namespace GpuBench.Agent.Runtimes;

/// <summary>
/// Renders command.txt: the command lines that reproduce a deployment by hand (`docker run …` or the engine
/// process with its CUDA_VISIBLE_DEVICES), then the gateway. Secret variables appear by name only: docker's
/// `-e NAME` takes the value from the caller's environment.
/// </summary>
public static class CommandLineRenderer
{
    public static string Render(DeploymentPlan plan)
    {
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# GpuBench deployment {plan.Id}: {plan.Request.Layout} of {plan.Request.Engine.Model} ({plan.Runtime})");
        foreach (var replica in plan.Replicas)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"# replica {replica.Index} on GPU {replica.Placement.DeviceList}, {replica.Url}");
            if (replica.SecretVariables.Count > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"# needs {string.Join(", ", replica.SecretVariables)} set in the environment");
            }

            text.AppendLine(ShellQuoting.Join(plan.Runtime == RuntimeKind.Docker ? DockerRun(replica) : ProcessLine(replica)));
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"# gateway over the replicas, {plan.Gateway.Url}; needs {GatewaySpec.AdminTokenVariable} set in the environment")
            .AppendLine(ShellQuoting.Join([.. plan.Gateway.Command, .. plan.Gateway.Arguments]));
        return text.ToString();
    }

    /// <summary>`docker run` with the same settings the Engine API call uses.</summary>
    public static IReadOnlyList<string> DockerRun(ReplicaSpec replica)
    {
        List<string> argv = ["docker", "run", "--detach", "--name", replica.Name, "--ipc", "host",
            "--shm-size", replica.ShmSizeBytes.ToString(CultureInfo.InvariantCulture),
            "--network", Docker.DockerContainerFactory.NetworkMode];
        if (!replica.SimulatedGpus)
        {
            argv.AddRange(["--gpus", $"\"device={replica.Placement.DeviceList}\""]);
        }

        foreach (var path in replica.Mounts)
        {
            argv.AddRange(["--volume", $"{path}:{path}"]);
        }

        foreach (var (name, value) in replica.Environment)
        {
            argv.AddRange(["--env", $"{name}={value}"]);
        }

        foreach (var secret in replica.SecretVariables)
        {
            argv.AddRange(["--env", secret]);
        }

        foreach (var (name, value) in replica.Labels)
        {
            argv.AddRange(["--label", $"{name}={value}"]);
        }

        argv.Add(replica.Image);
        argv.AddRange(replica.EngineArguments);
        return argv;
    }

    /// <summary>The engine as a child process: `env CUDA_VISIBLE_DEVICES=… vllm serve …`.</summary>
    public static IReadOnlyList<string> ProcessLine(ReplicaSpec replica) =>
        ["env", .. ProcessEnvironment(replica).Select(e => $"{e.Key}={e.Value}"), .. replica.Executable, .. replica.EngineArguments];

    /// <summary>
    /// The non-secret environment a replica process gets on top of the agent's own. CUDA numbers GPUs fastest first
    /// unless told otherwise; PCI_BUS_ID makes its ids nvidia-smi's, which the layout's GPU ids are.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment(ReplicaSpec replica) =>
        new SortedDictionary<string, string>(replica.Environment.ToDictionary(), StringComparer.Ordinal)
        {
            ["CUDA_DEVICE_ORDER"] = "PCI_BUS_ID",
            ["CUDA_VISIBLE_DEVICES"] = replica.Placement.DeviceList,
        };
}
