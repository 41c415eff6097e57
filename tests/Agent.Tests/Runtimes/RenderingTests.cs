using GpuBench.Agent.Runtimes;
using GpuBench.Agent.Runtimes.Docker;
using GpuBench.Agent.Tests.Support;
using GpuBench.Core.Config;
using GpuBench.Core.Planning;
using YamlDotNet.Serialization;

namespace GpuBench.Agent.Tests.Runtimes;

public class RenderingTests
{
    private static Dictionary<object, object> Service(string composeYaml, string name)
    {
        var compose = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(composeYaml);
        return (Dictionary<object, object>)((Dictionary<object, object>)compose["services"])[name];
    }

    [Fact]
    public void Compose_service_has_the_containers_image_command_gpus_network_ipc_shm_and_mount()
    {
        var plan = Plans.Plan(Layout.Consecutive(2, 1, 2));

        var service = Service(ComposeRenderer.Render(plan), "replica1");

        Assert.Equal("vllm/vllm-openai:v0.11.0", service["image"]);
        Assert.Equal(plan.Replicas[1].EngineArguments, ((List<object>)service["command"]).Cast<string>());
        Assert.Equal("host", service["network_mode"]);
        Assert.DoesNotContain("ports", service.Keys);
        Assert.Equal("host", service["ipc"]);
        Assert.Equal((16L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture), service["shm_size"]);
        Assert.Equal(["/hf_models:/hf_models"], ((List<object>)service["volumes"]).Cast<string>());
        var device = (Dictionary<object, object>)((List<object>)((Dictionary<object, object>)((Dictionary<object, object>)
            ((Dictionary<object, object>)service["deploy"])["resources"])["reservations"])["devices"])[0];
        Assert.Equal("nvidia", device["driver"]);
        Assert.Equal(["2", "3"], ((List<object>)device["device_ids"]).Cast<string>());
        Assert.Equal(["gpu"], ((List<object>)device["capabilities"]).Cast<string>());
    }

    [Fact]
    public void Compose_and_command_lines_name_secrets_but_never_give_their_values()
    {
        var plan = Plans.Plan(Layout.Consecutive(2, 1, 2));

        var rendered = ComposeRenderer.RenderAll(plan);

        foreach (var text in new[] { rendered.ComposeYaml!, rendered.CommandText })
        {
            Assert.DoesNotContain(Plans.HfToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain("gateway-admin-secret-token", text, StringComparison.Ordinal);
            Assert.Contains("HF_TOKEN", text, StringComparison.Ordinal);
        }

        var environment = ((List<object>)Service(rendered.ComposeYaml!, "replica0")["environment"]).Cast<string>();
        Assert.Equal(["HF_HOME=/hf_models", "VLLM_LOGGING_LEVEL=INFO", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"], environment);
    }

    [Fact]
    public void Command_text_has_a_docker_run_per_replica_and_the_gateway_line()
    {
        var plan = Plans.Plan(Layout.Consecutive(2, 1, 2));

        var lines = CommandLineRenderer.Render(plan).Split('\n');

        var dockerRuns = lines.Where(l => l.StartsWith("docker run", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, dockerRuns.Length);
        Assert.Contains("--gpus '\"device=2,3\"'", dockerRuns[1], StringComparison.Ordinal);
        Assert.Contains("--network host", dockerRuns[1], StringComparison.Ordinal);
        Assert.DoesNotContain("--publish", dockerRuns[1], StringComparison.Ordinal);
        Assert.Contains("--env HF_TOKEN --env HUGGING_FACE_HUB_TOKEN", dockerRuns[1], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("dotnet /opt/gpubench/GpuBench.Gateway.dll", StringComparison.Ordinal));
    }

    [Fact]
    public void Process_runtime_renders_cuda_visible_devices_and_no_compose_file()
    {
        var plan = Plans.Plan(Layout.Consecutive(2, 2, 1), RuntimeKind.Process);

        var rendered = ComposeRenderer.RenderAll(plan);

        Assert.Null(rendered.ComposeYaml);
        Assert.Contains("env CUDA_DEVICE_ORDER=PCI_BUS_ID CUDA_VISIBLE_DEVICES=2,3 HF_HOME=/hf_models VLLM_LOGGING_LEVEL=INFO vllm serve /hf_models/ibnzterrell/Meta-Llama-3.3-70B-Instruct-AWQ-INT4 --served-model-name", rendered.CommandText, StringComparison.Ordinal);
    }

    [Fact]
    public void Engine_api_call_has_device_requests_the_hosts_network_and_the_secret_only_in_env()
    {
        var plan = Plans.Plan(Layout.Consecutive(2, 1, 2));
        var replica = plan.Replicas[1];

        var create = DockerContainerFactory.Create(replica, replica.SecretVariables.ToDictionary(v => v, v => plan.Secrets[v]));

        var request = Assert.Single(create.HostConfig!.DeviceRequests);
        Assert.Equal("nvidia", request.Driver);
        Assert.Equal(["2", "3"], request.DeviceIDs);
        Assert.Equal(["gpu"], Assert.Single(request.Capabilities));
        // The box's network, so a loopback OTLP endpoint is reachable; the engine itself listens on loopback only.
        Assert.Equal("host", create.HostConfig.NetworkMode);
        Assert.Null(create.HostConfig.PortBindings);
        Assert.Null(create.ExposedPorts);
        Assert.Equal(["127.0.0.1", "8002"], [create.Cmd[create.Cmd.IndexOf("--host") + 1], create.Cmd[create.Cmd.IndexOf("--port") + 1]]);
        Assert.Equal("host", create.HostConfig.IpcMode);
        Assert.Equal(16L << 30, create.HostConfig.ShmSize);
        Assert.Contains($"HF_TOKEN={Plans.HfToken}", create.Env);
        Assert.Equal(replica.EngineArguments, create.Cmd);
        Assert.Equal("spring", create.Labels[DeploymentLabels.Campaign]);
    }

    [Fact]
    public void Simulated_gpus_get_no_device_requests_anywhere()
    {
        var plan = Plans.Plan(Layout.Consecutive(1, 1, 1), simulated: true, gpus: 1);

        Assert.Empty(DockerContainerFactory.Create(plan.Replicas[0], plan.Secrets).HostConfig!.DeviceRequests);
        Assert.DoesNotContain("deploy", Service(ComposeRenderer.Render(plan), "replica0").Keys);
        Assert.DoesNotContain("--gpus", CommandLineRenderer.Render(plan), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vllm/vllm-openai:v0.11.0", "vllm/vllm-openai", "v0.11.0")]
    [InlineData("registry.local:5000/sim", "registry.local:5000/sim", "latest")]
    [InlineData("img@sha256:abc", "img", "sha256:abc")]
    public void Image_references_split_into_repository_and_tag(string image, string repository, string tag)
    {
        Assert.Equal((repository, tag), DockerRuntime.SplitImage(image));
    }

    [Theory]
    [InlineData("--port", "--port")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$HOME", "'$HOME'")]
    [InlineData("", "''")]
    public void Shell_quoting_makes_each_argument_one_word(string argument, string quoted)
    {
        Assert.Equal(quoted, ShellQuoting.Quote(argument));
    }
}
