using GpuBench.Core.Config;
using GpuBench.TestSupport;

namespace GpuBench.Core.Tests.Config;

public class ValidConfigTests
{
    private static readonly string RootConfigPath = Path.Combine(Fixtures.RepositoryRoot, "config.yml");

    [Fact]
    public void Root_config_validates_without_errors_or_warnings()
    {
        var result = ConfigLoader.Load(RootConfigPath);

        Assert.Empty(result.Diagnostics);
        Assert.True(result.IsValid);
        // The article served all three with --trust-remote-code; the root config says so per model, not for every engine.
        Assert.All(result.Config!.Models, m => Assert.True(m.TrustRemoteCode, m.Name));
        Assert.DoesNotContain("--trust-remote-code", result.Config.Engine.ExtraArgs);
        // The chat workload replays the repository's conversations turn by turn.
        Assert.Equal(("sharegpt", true), (result.Config.Workload("chat").Dataset!.Name, result.Config.Workload("chat").Dataset!.MultiTurn));
    }

    [Fact]
    public void Missing_file_is_an_error_naming_it()
    {
        var result = ConfigLoader.Load("no-such-config.yml");

        Assert.Equal("no-such-config.yml:1:1: file not found", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Minimal_config_gets_the_documented_defaults()
    {
        var folder = Directory.CreateTempSubdirectory().FullName;
        var config = ConfigText.Load(ConfigText.Valid, folder).Config!;

        Assert.Equal(Path.Combine(folder, "results"), config.ResultsDir);
        Assert.All(config.Models, m => Assert.False(m.TrustRemoteCode));
        Assert.Empty(config.Engine.ExtraArgs);
        Assert.Empty(config.Engine.Env);
        Assert.Equal((EngineKind.Vllm, "vllm/vllm-openai:v0.11.0", 8192, "auto", 0.9, (int?)null),
            (config.Engine.Kind, config.Engine.Image, config.Engine.MaxModelLen, config.Engine.KvCacheDtype, config.Engine.GpuMemoryUtilization, config.Engine.MaxNumSeqs));

        var workload = Assert.Single(config.Workloads);
        Assert.Equal((double.PositiveInfinity, 1.0, 0.0, 0, 0, 0, true, WorkloadBackend.OpenAiChat, "/v1/chat/completions", (int?)null),
            (workload.RequestRate, workload.Burstiness, workload.RangeRatio, workload.PrefixLen, workload.Seed, workload.NumWarmups,
             workload.IgnoreEos, workload.Backend, workload.Endpoint, workload.MaxConcurrency));

        var server = Assert.Single(config.Servers);
        Assert.Equal((true, RuntimeKind.Docker, "/hf_models", GatewayPolicy.LeastRequests), (server.Local, server.Runtime, server.HfHome, server.Gateway.Policy));
        Assert.Equal(["smoke"], server.Workloads);
        Assert.Equal("HF_TOKEN", config.Secrets.HfTokenEnv);
        Assert.Equal(0.1, config.Telemetry.TraceSamplingRatio);
    }

    [Fact]
    public void Simulated_server_runs_its_engines_as_processes_by_default()
    {
        var config = ConfigText.Load(ConfigText.Valid + "\n    engine: { kind: sim }").Config!;

        Assert.Equal(RuntimeKind.Process, config.Servers[0].Runtime);
    }

    [Fact]
    public void Every_key_is_read_into_the_records()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var folder = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(folder, "id_test"), "not a real key");
        var config = ConfigText.Load(FullConfig(), folder).Config!;

        Assert.Equal("/data/results", config.ResultsDir);
        Assert.Equal(0.65m, config.PriceOf("rtx5090"));
        Assert.Equal(("sim", 4096, "fp8", 0.85, (int?)256), (config.Engine.Kind == EngineKind.Sim ? "sim" : "vllm", config.Engine.MaxModelLen,
            config.Engine.KvCacheDtype, config.Engine.GpuMemoryUtilization, config.Engine.MaxNumSeqs));
        Assert.Equal(["--trust-remote-code"], config.Engine.ExtraArgs);
        Assert.Equal("1", config.Engine.Env["VLLM_LOGGING_LEVEL"]);

        var workload = config.Workload("chat");
        Assert.Equal((1000, 500, 1200, (int?)400, 20.0, 0.5, 0.25, 100, 7, 3, false, WorkloadBackend.OpenAi, "/v1/completions"),
            (workload.InputLen, workload.OutputLen, workload.NumPrompts, workload.MaxConcurrency, workload.RequestRate, workload.Burstiness,
             workload.RangeRatio, workload.PrefixLen, workload.Seed, workload.NumWarmups, workload.IgnoreEos, workload.Backend, workload.Endpoint));

        var model = config.Model("glm");
        Assert.Equal(("cpatonn/GLM-4.5-Air-AWQ-4bit", (double?)64, (int?)1, (int?)4, (int?)1, "main"),
            (model.Id, model.WeightsGb, model.Replicas, model.TensorParallel, model.PipelineParallel, model.Revision));
        Assert.Equal(["*.safetensors", "*.json"], model.Files);
        Assert.True(model.TrustRemoteCode);
        Assert.Equal(192, model.Engine.MaxNumSeqs);

        var server = config.Servers[0];
        Assert.Equal(new SshTarget
        {
            Host = "203.0.113.10", Port = 2222, User = "ubuntu", KeyPath = Path.Combine(folder, "id_test"),
            HostKey = "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8", TrustOnFirstUse = true,
        }, server.Ssh);
        Assert.Equal(("rtx5090", 4), (server.Gpu.Type, server.Gpu.Count));
        Assert.Equal((RuntimeKind.Process, "/models", GatewayPolicy.PowerOfTwo), (server.Runtime, server.HfHome, server.Gateway.Policy));
        Assert.Equal(["chat", "smoke"], server.Workloads);
        Assert.Equal(["/opt/vllm/.venv/bin/vllm", "serve"], server.Engine.Command);
        Assert.Equal(Path.Combine(home, ".ssh", "id_test"), ConfigText.Load(FullConfig().Replace("key: id_test", "key: ~/.ssh/id_test"), folder)
            .Diagnostics.Select(d => d.Message).Single(m => m.StartsWith("key file", StringComparison.Ordinal))
            .Split('\'')[1]);
        Assert.Equal("MY_HF_TOKEN", config.Secrets.HfTokenEnv);
        Assert.Equal(0.5, config.Telemetry.TraceSamplingRatio);
    }

    [Fact]
    public void Effective_engine_applies_model_then_server_overrides()
    {
        var config = ConfigText.Load(FullConfig(), WithKey()).Config!;

        var engine = config.EngineFor(config.Servers[0], config.Model("glm"));

        Assert.Equal(EngineKind.Vllm, engine.Kind);              // the server's kind wins over the defaults
        Assert.Equal(2048, engine.MaxModelLen);                  // the server's override wins over the model's
        Assert.Equal(192, engine.MaxNumSeqs);                    // the model's override survives where the server has none
        Assert.Equal(["--trust-remote-code", "--dtype", "float16", "--enable-expert-parallel"], engine.ExtraArgs);
        Assert.Equal(("1", "0"), (engine.Env["VLLM_LOGGING_LEVEL"], engine.Env["NCCL_P2P_DISABLE"]));
        Assert.Equal(["/opt/vllm/.venv/bin/vllm", "serve"], engine.Command);
    }

    [Fact]
    public void Written_config_reads_back_to_the_same_config()
    {
        var folder = WithKey();
        var first = ConfigText.Load(FullConfig(), folder).Config!;

        var yaml = ConfigWriter.ToYaml(first);
        var reread = ConfigLoader.Parse(yaml, "effective.yml", folder);

        Assert.Empty(reread.Diagnostics);
        Assert.Equal(yaml, ConfigWriter.ToYaml(reread.Config!));
        Assert.Equal(first.Servers[0].Ssh, reread.Config!.Servers[0].Ssh);
        Assert.Equal(first.Workloads[1], reread.Config.Workloads[1]);
        Assert.Equal(first.Engine.ExtraArgs, reread.Config.Engine.ExtraArgs);
        Assert.Equal(first.Servers[0].Engine.Command, reread.Config.Servers[0].Engine.Command);
    }

    [Fact]
    public void Queue_aware_gateway_policy_is_read_and_written_back()
    {
        var folder = WithKey();
        var config = ConfigText.Load(FullConfig().Replace("policy: power-of-two", "policy: queue-aware"), folder).Config!;

        var reread = ConfigLoader.Parse(ConfigWriter.ToYaml(config), "effective.yml", folder);

        Assert.Equal(GatewayPolicy.QueueAware, config.Servers[0].Gateway.Policy);
        Assert.Equal(GatewayPolicy.QueueAware, reread.Config!.Servers[0].Gateway.Policy);
    }

    [Fact]
    public void Root_config_round_trips_through_the_writer()
    {
        var config = ConfigLoader.Load(RootConfigPath).Config!;

        var yaml = ConfigWriter.ToYaml(config);
        var reread = ConfigLoader.Parse(yaml, "effective.yml", Fixtures.RepositoryRoot);

        Assert.Empty(reread.Diagnostics);
        Assert.Equal(yaml, ConfigWriter.ToYaml(reread.Config!));
        Assert.Equal(config.Models.Select(m => (m.Name, m.Id, m.WeightsGb)), reread.Config!.Models.Select(m => (m.Name, m.Id, m.WeightsGb)));
    }

    private static string WithKey()
    {
        var folder = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(folder, "id_test"), "not a real key");
        return folder;
    }

    private static string FullConfig() => """
        results_dir: /data/results
        prices: { rtx5090: 0.65 }
        engine:
          kind: sim
          image: vllm/vllm-openai:v0.10.2
          max_model_len: 4096
          kv_cache_dtype: fp8
          gpu_memory_utilization: 0.85
          max_num_seqs: 256
          extra_args: [--trust-remote-code]
          env: { VLLM_LOGGING_LEVEL: "1" }
        secrets: { hf_token_env: MY_HF_TOKEN }
        telemetry: { trace_sampling_ratio: 0.5 }
        workloads:
          - name: smoke
            input_len: 200
            output_len: 100
            num_prompts: 64
          - name: chat
            input_len: 1000
            output_len: 500
            num_prompts: 1200
            max_concurrency: 400
            request_rate: 20
            burstiness: 0.5
            range_ratio: 0.25
            prefix_len: 100
            seed: 7
            num_warmups: 3
            ignore_eos: false
            backend: openai
        models:
          glm:
            id: cpatonn/GLM-4.5-Air-AWQ-4bit
            weights_gb: 64
            replicas: 1
            tp: 4
            pp: 1
            revision: main
            files: ["*.safetensors", "*.json"]
            trust_remote_code: true
            engine: { max_model_len: 8192, max_num_seqs: 192, extra_args: [--dtype, float16] }
        servers:
          - name: rtx5090-x4
            ssh:
              host: 203.0.113.10
              port: 2222
              user: ubuntu
              key: id_test
              host_key: "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8"
              trust_on_first_use: true
            gpu: { type: rtx5090, count: 4 }
            models: [glm]
            workloads: [chat, smoke]
            runtime: process
            hf_home: /models
            engine:
              kind: vllm
              max_model_len: 2048
              extra_args: [--enable-expert-parallel]
              env: { NCCL_P2P_DISABLE: "0" }
              command: [/opt/vllm/.venv/bin/vllm, serve]
            gateway: { policy: power-of-two }
        """;
}
