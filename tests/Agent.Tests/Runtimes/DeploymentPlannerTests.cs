using GpuBench.Agent.Runtimes;
using GpuBench.Agent.Tests.Support;
using GpuBench.Core.Config;
using GpuBench.Core.Planning;

namespace GpuBench.Agent.Tests.Runtimes;

public class DeploymentPlannerTests
{
    [Fact]
    public void Two_pp2_replicas_get_the_articles_flags_their_own_gpus_ports_and_labels()
    {
        var plan = Plans.Plan(Layout.Consecutive(2, 1, 2));

        Assert.Equal(2, plan.Replicas.Count);
        var second = plan.Replicas[1];
        Assert.Equal([2, 3], second.GpuIds);
        Assert.Equal(8002, second.HostPort);
        Assert.Equal("gpubench-d1-replica1", second.Name);
        Assert.Equal(
            ["--model", "/hf_models/ibnzterrell/Meta-Llama-3.3-70B-Instruct-AWQ-INT4",
             "--served-model-name", "ibnzterrell/Meta-Llama-3.3-70B-Instruct-AWQ-INT4",
             "--host", "127.0.0.1", "--port", "8002",
             "--tensor-parallel-size", "1", "--pipeline-parallel-size", "2",
             "--max-model-len", "8192", "--kv-cache-dtype", "fp8", "--gpu-memory-utilization", "0.9"],
            second.EngineArguments);
        Assert.Equal("spring", second.Labels[DeploymentLabels.Campaign]);
        Assert.Equal("h200x4/llama70b", second.Labels[DeploymentLabels.Run]);
        Assert.Equal("1", second.Labels[DeploymentLabels.Replica]);
        Assert.Equal("true", second.Labels[DeploymentLabels.Managed]);
    }

    [Fact]
    public void Under_vllm_serve_the_model_is_positional_and_a_pinned_revision_is_passed_for_weights_and_tokenizer()
    {
        var request = Plans.Request(Layout.Consecutive(1, 1, 1), RuntimeKind.Process);
        request = request with { Engine = request.Engine with { Command = ["vllm", "serve"], Revision = "v1.2" } };

        var args = DeploymentPlanner.Plan("d1", request, Plans.Gpus(1, false), ["gw"], "t", () => 8001).Replicas[0].EngineArguments;

        Assert.Equal([request.Engine.Model, "--revision", "v1.2", "--tokenizer-revision", "v1.2", "--served-model-name"], args.Take(6));
        Assert.DoesNotContain("--model", args);
    }

    [Fact]
    public void Vllm_replicas_keep_their_compile_caches_in_the_boxs_engine_cache_mounted_next_to_the_model_cache()
    {
        var plan = DeploymentPlanner.Plan("d1", Plans.Request(Layout.Consecutive(1, 1, 1)), Plans.Gpus(1, false), ["gw"], "t", () => 8001, "/var/lib/gpubench/engine-cache");
        var replica = plan.Replicas[0];

        Assert.Equal("/var/lib/gpubench/engine-cache/vllm", replica.Environment["VLLM_CACHE_ROOT"]);
        Assert.Equal("/var/lib/gpubench/engine-cache/torchinductor", replica.Environment["TORCHINDUCTOR_CACHE_DIR"]);
        Assert.Equal(["/hf_models", "/var/lib/gpubench/engine-cache"], replica.Mounts);
        Assert.Contains("--volume /var/lib/gpubench/engine-cache:/var/lib/gpubench/engine-cache", CommandLineRenderer.Render(plan), StringComparison.Ordinal);
        Assert.Contains("/var/lib/gpubench/engine-cache:/var/lib/gpubench/engine-cache", ComposeRenderer.Render(plan), StringComparison.Ordinal);
    }

    [Fact]
    public void Process_replicas_number_gpus_as_nvidia_smi_does()
    {
        var plan = Plans.Plan(Layout.Consecutive(2, 2, 1), RuntimeKind.Process);

        Assert.Equal("PCI_BUS_ID", CommandLineRenderer.ProcessEnvironment(plan.Replicas[1])["CUDA_DEVICE_ORDER"]);
        Assert.Equal("2,3", CommandLineRenderer.ProcessEnvironment(plan.Replicas[1])["CUDA_VISIBLE_DEVICES"]);
    }

    [Fact]
    public void Remote_code_is_trusted_only_when_the_model_says_so()
    {
        var request = Plans.Request(Layout.Consecutive(1, 1, 1));
        var trusted = request with { Engine = request.Engine with { TrustRemoteCode = true } };

        Assert.DoesNotContain("--trust-remote-code", Plans.Plan(request.Layout).Replicas[0].EngineArguments);
        Assert.Contains("--trust-remote-code", DeploymentPlanner.Plan("d1", trusted, Plans.Gpus(4, simulated: false), ["gw"], "t", () => 8000).Replicas[0].EngineArguments);
    }

    [Theory]
    [InlineData("Qwen/Qwen3-8B", EngineKind.Vllm, false)]           // provisioned by the agent: HF_HUB_OFFLINE=1
    [InlineData("/hf_models/Qwen/Qwen3-8B", EngineKind.Vllm, true)] // a path: vLLM may still fetch what it lacks
    [InlineData("Qwen/Qwen3-8B", EngineKind.Sim, false)]            // the simulator loads nothing
    public void Only_engines_that_may_download_get_the_hf_token(string model, EngineKind kind, bool gets)
    {
        var request = Plans.Request(Layout.Consecutive(1, 1, 1));
        request = request with { Engine = request.Engine with { Model = model, Settings = request.Engine.Settings with { Kind = kind } } };

        var plan = DeploymentPlanner.Plan("d1", request, Plans.Gpus(4, simulated: false), ["gw"], "t", () => 8000);

        Assert.Equal(gets ? ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"] : [], plan.Replicas[0].SecretVariables);
    }

    [Fact]
    public void Process_replicas_listen_on_their_host_port_on_loopback()
    {
        var plan = Plans.Plan(Layout.Consecutive(2, 2, 1), RuntimeKind.Process);

        var args = plan.Replicas[0].EngineArguments;
        Assert.Equal("127.0.0.1", args[args.ToList().IndexOf("--host") + 1]);
        Assert.Equal("8001", args[args.ToList().IndexOf("--port") + 1]);
    }

    [Fact]
    public void The_hf_token_is_kept_apart_from_the_environment_and_the_gateway_gets_replica_urls()
    {
        var plan = Plans.Plan(Layout.Consecutive(2, 1, 2));

        Assert.All(plan.Replicas, r => Assert.DoesNotContain(r.Environment.Values, v => v.Contains(Plans.HfToken, StringComparison.Ordinal)));
        Assert.Equal(["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"], plan.Replicas[0].SecretVariables);
        Assert.Equal(Plans.HfToken, plan.Secrets["HF_TOKEN"]);
        Assert.Contains("--Gateway:Replicas:1=http://127.0.0.1:8002", plan.Gateway.Arguments);
        Assert.DoesNotContain(plan.Gateway.Arguments, a => a.Contains("gateway-admin-secret-token", StringComparison.Ordinal));
        Assert.DoesNotContain(Plans.HfToken, plan.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(GatewayPolicy.LeastRequests, "least-requests")]
    [InlineData(GatewayPolicy.RoundRobin, "round-robin")]
    [InlineData(GatewayPolicy.PowerOfTwo, "power-of-two-choices")]
    [InlineData(GatewayPolicy.QueueAware, "queue-aware")]
    public void Each_gateway_policy_is_passed_under_the_gateways_name_for_it(GatewayPolicy policy, string name) =>
        Assert.Equal(name, DeploymentPlanner.GatewayPolicyName(policy));

    [Fact]
    public void Simulated_gpus_tell_the_simulator_which_gpu_type_it_stands_in_for()
    {
        var plan = Plans.Plan(Layout.Consecutive(1, 1, 1), simulated: true, gpus: 1);

        Assert.True(plan.Replicas[0].SimulatedGpus);
        Assert.Equal("h200", plan.Replicas[0].Environment[DeploymentPlanner.SimulatedGpuTypeVariable]);
    }

    [Theory]
    [InlineData(2, 1, 2, 2, "this box has 2 GPUs")]
    [InlineData(1, 1, 2, 4, "needs 2 per replica")]
    public void A_layout_that_does_not_fit_the_box_is_refused_with_the_reason(int replicas, int tp, int pp, int gpus, string reason)
    {
        var layout = Layout.Consecutive(replicas, tp, pp);
        if (reason.Contains("per replica", StringComparison.Ordinal))
        {
            layout = layout with { Placements = [new ReplicaPlacement(0, [0])] };
        }

        var error = Assert.Throws<DeploymentPlanException>(() => Plans.Plan(layout, gpus: gpus));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gpu_given_to_two_replicas_is_refused()
    {
        var layout = new Layout(2, 1, 1, [new ReplicaPlacement(0, [1]), new ReplicaPlacement(1, [1])]);

        var error = Assert.Throws<DeploymentPlanException>(() => Plans.Plan(layout));

        Assert.Contains("GPU 1 is given to more than one replica", error.Message, StringComparison.Ordinal);
    }
}
