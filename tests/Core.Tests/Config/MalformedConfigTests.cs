namespace GpuBench.Core.Tests.Config;

/// <summary>Each test writes one mistake and pins the exact message and location `gpubench validate` prints for it.</summary>
public class MalformedConfigTests
{
    [Fact]
    public void Valid_config_has_no_diagnostics()
    {
        Assert.Empty(ConfigText.Load(ConfigText.Valid).Diagnostics);
    }

    [Fact]
    public void Yaml_syntax_error_is_reported_at_the_offending_token()
    {
        var errors = ConfigText.Errors("""
            workloads:
              - name: smoke
                input_len: 200
               output_len: 100
            """);

        var error = Assert.Single(errors);
        Assert.StartsWith("config.yml:4:", error);
        Assert.Contains(": YAML syntax error: ", error);
    }

    [Fact]
    public void Unclosed_flow_mapping_is_a_syntax_error()
    {
        var errors = ConfigText.Errors(ConfigText.Valid.Replace("{ type: rtx4090, count: 4 }", "{ type: rtx4090, count: 4"));

        Assert.Equal(["config.yml:15:32: YAML syntax error: the file ends inside an unclosed '{', '[' or quote"], errors);
    }

    [Fact]
    public void Word_where_a_count_belongs_is_a_type_error()
    {
        Assert.Equal(
            ["config.yml:15:34: servers[0].gpu.count: expected a positive integer, got \"four\""],
            ConfigText.Errors(ConfigText.Valid.Replace("count: 4", "count: four")));
    }

    [Fact]
    public void Quoted_number_is_a_string_not_a_count()
    {
        Assert.Equal(
            ["config.yml:15:34: servers[0].gpu.count: expected a positive integer, got \"4\""],
            ConfigText.Errors(ConfigText.Valid.Replace("count: 4", "count: \"4\"")));
    }

    [Fact]
    public void Misspelt_key_suggests_the_nearest_valid_key_and_is_reported_once()
    {
        Assert.Equal(
            ["config.yml:5:5: workloads[0].input_length: unknown key 'input_length'; did you mean 'input_len'?"],
            ConfigText.Errors(ConfigText.Valid.Replace("input_len:", "input_length:")));
    }

    [Fact]
    public void Unknown_top_level_key_suggests_the_nearest()
    {
        Assert.Equal(
            ["config.yml:1:1: prizes: unknown key 'prizes'; did you mean 'prices'?"],
            ConfigText.Errors(ConfigText.Valid.Replace("prices:", "prizes:")));
    }

    [Fact]
    public void Unknown_key_far_from_every_valid_key_gets_no_suggestion()
    {
        Assert.Equal(
            ["config.yml:17:5: servers[0].colour: unknown key 'colour'"],
            ConfigText.Errors(ConfigText.Valid + "\n    colour: red"));
    }

    [Fact]
    public void Missing_required_key_names_the_key_and_its_mapping()
    {
        Assert.Equal(
            ["config.yml:13:5: servers[0]: missing required key 'gpu'"],
            ConfigText.Errors(ConfigText.Valid.Replace("    gpu: { type: rtx4090, count: 4 }\n", "")));
    }

    [Fact]
    public void Dangling_model_reference_lists_the_defined_models()
    {
        Assert.Equal(
            ["config.yml:16:14: servers[0].models[0]: unknown model 'qween'; did you mean 'qwen'? (defined: qwen)"],
            ConfigText.Errors(ConfigText.Valid.Replace("models: [qwen]", "models: [qween]")));
    }

    [Fact]
    public void Dangling_workload_reference_lists_the_defined_workloads()
    {
        Assert.Equal(
            ["config.yml:17:17: servers[0].workloads[0]: unknown workload 'throughput' (defined: smoke)"],
            ConfigText.Errors(ConfigText.Valid + "\n    workloads: [throughput]"));
    }

    [Fact]
    public void Explicit_layout_needing_more_gpus_than_the_server_has_is_rejected()
    {
        var yaml = ConfigText.Valid.Replace("    weights_gb: 17", "    tp: 4\n    pp: 2");

        Assert.Equal(
            ["config.yml:17:14: servers[0].models[0]: model 'qwen' asks for replicas × tp × pp = 1 × 4 × 2 = 8 GPUs, but server 'box' has 4"],
            ConfigText.Errors(yaml));
    }

    [Fact]
    public void Negative_length_is_rejected()
    {
        Assert.Equal(
            ["config.yml:6:17: workloads[0].output_len: expected a positive integer, got \"-100\""],
            ConfigText.Errors(ConfigText.Valid.Replace("output_len: 100", "output_len: -100")));
    }

    [Fact]
    public void Zero_prompts_is_rejected()
    {
        Assert.Equal(
            ["config.yml:7:18: workloads[0].num_prompts: expected a positive integer, got \"0\""],
            ConfigText.Errors(ConfigText.Valid.Replace("num_prompts: 64", "num_prompts: 0")));
    }

    [Fact]
    public void Name_with_a_slash_is_unsafe_in_a_path()
    {
        Assert.Equal(
            ["config.yml:13:11: servers[0].name: name \"gpu/box\" contains '/'; it names a results folder, so use only letters, digits, '.', '_' and '-'"],
            ConfigText.Errors(ConfigText.Valid.Replace("name: box", "name: gpu/box")));
    }

    [Fact]
    public void Model_name_with_dot_dot_is_unsafe_in_a_path()
    {
        var yaml = ConfigText.Valid.Replace("  qwen:", "  qwen..up:").Replace("models: [qwen]", "models: [qwen..up]");

        Assert.Equal(
            ["config.yml:9:3: models.qwen..up: model name \"qwen..up\" contains '..'; it names a results folder, so use only letters, digits, '.', '_' and '-'"],
            ConfigText.Errors(yaml));
    }

    [Fact]
    public void Name_with_a_control_character_is_unsafe_in_a_path()
    {
        Assert.Equal(
            ["config.yml:4:11: workloads[0].name: name \"smo\tke\" contains control characters; it names a results folder, so use only letters, digits, '.', '_' and '-'"],
            ConfigText.Errors(ConfigText.Valid.Replace("name: smoke", "name: \"smo\\tke\"").Replace("models: [qwen]", "models: [qwen]\n    workloads: [\"smo\\tke\"]")));
    }

    [Fact]
    public void Duplicate_server_name_points_back_to_the_first()
    {
        var yaml = ConfigText.Valid + """

              - name: BOX
                local: true
                gpu: { type: rtx4090, count: 1 }
                models: [qwen]
            """;

        Assert.Equal(
            ["config.yml:17:11: servers[1].name: duplicate server name 'BOX' (first used at line 13)"],
            ConfigText.Errors(yaml));
    }

    [Fact]
    public void Unknown_gpu_type_lists_the_known_types_and_the_nearest()
    {
        Assert.Equal(
            ["config.yml:15:18: servers[0].gpu.type: unknown GPU type 'rtx4080'; did you mean 'rtx4090'? (known: rtx4090, rtx5090, pro6000, l40s, a100, h100, h200)"],
            ConfigText.Errors(ConfigText.Valid.Replace("type: rtx4090", "type: rtx4080")));
    }

    [Fact]
    public void Misspelt_gateway_policy_suggests_the_nearest_one()
    {
        Assert.Equal(
            ["config.yml:17:24: servers[0].gateway.policy: expected one of least-requests, round-robin, power-of-two, queue-aware, got \"queue-awre\"; did you mean 'queue-aware'?"],
            ConfigText.Errors(ConfigText.Valid + "\n    gateway: { policy: queue-awre }"));
    }

    [Fact]
    public void Bad_engine_kind_lists_the_kinds()
    {
        Assert.Equal(
            ["config.yml:17:21: servers[0].engine.kind: expected one of vllm, sim, got \"vlm\"; did you mean 'vllm'?"],
            ConfigText.Errors(ConfigText.Valid + "\n    engine: { kind: vlm }"));
    }

    [Fact]
    public void Ssh_without_host_is_missing_a_required_key()
    {
        var key = Path.GetTempFileName();
        var yaml = ConfigText.Valid.Replace("local: true", $"ssh: {{ user: ubuntu, key: {key} }}");

        Assert.Equal(["config.yml:14:10: servers[0].ssh: missing required key 'host'"], ConfigText.Errors(yaml));
    }

    [Fact]
    public void Server_neither_local_nor_ssh_is_rejected()
    {
        Assert.Equal(
            ["config.yml:13:5: servers[0]: missing required key 'ssh' (or 'local: true' for the machine GpuBench runs on)"],
            ConfigText.Errors(ConfigText.Valid.Replace("    local: true\n", "")));
    }

    [Fact]
    public void Server_both_local_and_ssh_is_rejected()
    {
        var key = Path.GetTempFileName();

        Assert.Equal(
            ["config.yml:13:5: servers[0]: set either 'local: true' or 'ssh', not both"],
            ConfigText.Errors(ConfigText.Valid + $"\n    ssh: {{ host: h, user: u, key: {key} }}"));
    }

    [Fact]
    public void Ssh_port_out_of_range_is_rejected()
    {
        var key = Path.GetTempFileName();
        var yaml = ConfigText.Valid.Replace("local: true", $"ssh: {{ host: h, port: 70000, user: u, key: {key} }}");

        Assert.Equal(["config.yml:14:27: servers[0].ssh.port: expected a TCP port (1-65535), got \"70000\""], ConfigText.Errors(yaml));
    }

    [Fact]
    public void Duplicate_workload_name_is_rejected()
    {
        var yaml = ConfigText.Valid.Replace("models:\n", """
              - name: smoke
                input_len: 1
                output_len: 1
                num_prompts: 1
            models:

            """);

        Assert.Equal(["config.yml:8:11: workloads[1].name: duplicate workload name 'smoke' (first used at line 4)"], ConfigText.Errors(yaml));
    }

    [Fact]
    public void Token_env_must_name_a_variable()
    {
        Assert.Equal(
            ["config.yml:18:17: secrets.hf_token_env: expected the name of an environment variable (letters, digits, '_'), got \"$HF TOKEN\""],
            ConfigText.Errors(ConfigText.Valid + "\nsecrets:\n  hf_token_env: $HF TOKEN"));
    }

    [Fact]
    public void Missing_ssh_key_file_is_reported_with_its_resolved_path()
    {
        var folder = Directory.CreateTempSubdirectory().FullName;
        var yaml = ConfigText.Valid.Replace("local: true", "ssh: { host: 203.0.113.10, user: ubuntu, key: keys/id_ed25519 }");

        Assert.Equal(
            [$"config.yml:14:51: servers[0].ssh.key: key file '{folder}/keys/id_ed25519' does not exist"],
            ConfigText.Errors(yaml, folder));
    }

    [Fact]
    public void Literal_token_in_engine_env_is_rejected_with_the_variable_to_use()
    {
        var yaml = ConfigText.Valid + "\nengine:\n  env:\n    HF_TOKEN: hf_abcdefghijklmnopqrstuvwxyzABCDEFGH";

        Assert.Equal(
            ["config.yml:19:15: engine.env.HF_TOKEN: a secret's value does not belong in config.yml; export it in the environment variable HF_TOKEN (secrets.hf_token_env) and GpuBench passes it to the engine"],
            ConfigText.Errors(yaml));
    }

    [Fact]
    public void Token_looking_value_anywhere_is_rejected()
    {
        var yaml = ConfigText.Valid + "\n    engine: { extra_args: [--hf-token, hf_abcdefghijklmnopqrstuvwxyzABCDEFGH] }";

        Assert.Equal(
            ["config.yml:17:40: servers[0].engine.extra_args[1]: this looks like an access token; never write tokens in config.yml: export it as HF_TOKEN (the variable secrets.hf_token_env names) and GpuBench reads it from there"],
            ConfigText.Errors(yaml));
    }

    [Fact]
    public void Image_without_a_pinned_tag_is_rejected()
    {
        Assert.Equal(
            ["config.yml:18:10: engine.image: \"vllm/vllm-openai:latest\" is not pinned: 'latest' changes under you; name a version tag (e.g. vllm/vllm-openai:v0.11.0) or a digest"],
            ConfigText.Errors(ConfigText.Valid + "\nengine:\n  image: vllm/vllm-openai:latest"));
    }

    [Fact]
    public void Memory_utilization_above_one_is_rejected()
    {
        Assert.Equal(
            ["config.yml:18:27: engine.gpu_memory_utilization: expected a number in (0, 1], got \"1.5\""],
            ConfigText.Errors(ConfigText.Valid + "\nengine:\n  gpu_memory_utilization: 1.5"));
    }

    [Fact]
    public void Request_rate_must_be_a_number_or_inf()
    {
        Assert.Equal(
            ["config.yml:8:19: workloads[0].request_rate: expected a positive number or \"inf\", got \"fast\""],
            ConfigText.Errors(ConfigText.Valid.Replace("num_prompts: 64", "num_prompts: 64\n    request_rate: fast")));
    }

    [Fact]
    public void Price_for_an_unknown_gpu_type_suggests_the_nearest()
    {
        Assert.Equal(
            ["config.yml:3:12: prices.rtx5900: unknown GPU type 'rtx5900'; did you mean 'rtx5090'? (known: rtx4090, rtx5090, pro6000, l40s, a100, h100, h200)"],
            ConfigText.Errors(ConfigText.Valid.Replace("  rtx4090: 0.39", "  rtx4090: 0.39\n  rtx5900: 0.65")));
    }

    [Fact]
    public void Malformed_host_key_fingerprint_is_rejected()
    {
        var key = Path.GetTempFileName();
        var yaml = ConfigText.Valid.Replace("local: true", $"ssh: {{ host: h, user: u, key: {key}, host_key: \"MD5:aa:bb\" }}");

        var error = Assert.Single(ConfigText.Errors(yaml));
        Assert.Equal(
            $"config.yml:14:{47 + key.Length}: servers[0].ssh.host_key: expected a SHA256 fingerprint as `ssh-keygen -lf <host key>` prints it (SHA256: and 43 base64 characters), got \"MD5:aa:bb\"",
            error);
    }

    [Fact]
    public void Model_without_weights_or_layout_cannot_be_planned()
    {
        Assert.Equal(
            ["config.yml:10:5: models.qwen: set weights_gb so the planner can choose a layout, or set tp and pp explicitly"],
            ConfigText.Errors(ConfigText.Valid.Replace("    weights_gb: 17\n", "")));
    }

    [Fact]
    public void Empty_file_says_what_is_expected()
    {
        Assert.Equal(["config.yml:1:1: the file is empty; expected workloads, models and servers"], ConfigText.Errors("# nothing yet\n"));
    }

    [Fact]
    public void Every_error_of_a_file_is_reported_at_once_in_file_order()
    {
        var yaml = ConfigText.Valid
            .Replace("output_len: 100", "output_len: -1")
            .Replace("weights_gb: 17", "weights_gb: lots")
            .Replace("type: rtx4090", "type: rtx9999")
            .Replace("models: [qwen]", "models: [qwen, mistral]");

        var errors = ConfigText.Errors(yaml);

        Assert.Equal(4, errors.Length);
        Assert.Equal(["workloads[0].output_len", "models.qwen.weights_gb", "servers[0].gpu.type", "servers[0].models[1]"],
            errors.Select(e => e.Split(": ")[1]));
    }

    [Fact]
    public void Missing_price_is_a_warning_and_the_config_stays_valid()
    {
        var result = ConfigText.Load(ConfigText.Valid.Replace("  rtx4090: 0.39", "  rtx5090: 0.65"));

        Assert.True(result.IsValid);
        Assert.Equal(
            ["config.yml:15:18: warning: servers[0].gpu.type: no price for GPU type 'rtx4090' (add prices.rtx4090: <$ per GPU-hour>); reports will say \"no price\""],
            result.Warnings.Select(w => w.ToString()));
        Assert.Null(result.Config!.PriceOf("rtx4090"));
    }

    [Fact]
    public async Task Nested_aliases_are_read_in_linear_time_and_a_token_behind_one_is_still_found()
    {
        // Ten levels of ten aliases each: a walk that follows every alias visits 10^10 nodes.
        var laughs = new System.Text.StringBuilder("\nlaughs:\n  l0: &l0 [hf_abcdefghijklmnopqrstuvwxyzABCDEFGH, x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level < 10; level++)
        {
            laughs.Append(System.Globalization.CultureInfo.InvariantCulture, $"  l{level}: &l{level} [{string.Join(", ", Enumerable.Repeat($"*l{level - 1}", 10))}]\n");
        }

        var errors = await Task.Run(() => ConfigText.Errors(ConfigText.Valid + laughs), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.Single(errors, e => e.Contains("this looks like an access token", StringComparison.Ordinal));
    }
}
