using GpuBench.Core.Config;

namespace GpuBench.Core.Tests.Config;

/// <summary>The engine's `command`: the program serving vLLM under the process runtime, an argv list in config.yml.</summary>
public class EngineCommandTests
{
    private const string Venv = "/opt/vllm/.venv/bin/vllm";

    /// <summary><see cref="ConfigText.Valid"/> with its server on the process runtime (line 17).</summary>
    private const string ProcessServer = ConfigText.Valid + "\n    runtime: process";

    [Fact]
    public void Command_list_is_read_as_argv_entries_in_order()
    {
        var result = ConfigText.Load($"engine:\n  command: [{Venv}, serve, \"--flag with space\"]\n" + ProcessServer);

        Assert.Empty(result.Diagnostics);
        Assert.Equal([Venv, "serve", "--flag with space"], result.Config!.Engine.Command);
    }

    [Fact]
    public void Command_is_unset_by_default_so_the_controller_default_applies()
    {
        var config = ConfigText.Load(ConfigText.Valid).Config!;

        Assert.Null(config.Engine.Command);
        Assert.Null(config.EngineFor(config.Servers[0], config.Models[0]).Command);
    }

    [Fact]
    public void Command_as_one_string_is_rejected_not_split_into_words()
    {
        Assert.Equal(
            [$"config.yml:2:12: engine.command: expected a list of strings, the program then its leading arguments (e.g. [{Venv}, serve]), " +
             $"got \"{Venv} serve\"; a single string is never split into words, so write each argument as its own item"],
            ConfigText.Errors($"engine:\n  command: {Venv} serve\n" + ProcessServer));
    }

    [Fact]
    public void Command_as_one_string_under_a_server_is_rejected_with_the_server_path()
    {
        var errors = ConfigText.Errors(ProcessServer + $"\n    engine:\n      command: \"{Venv} serve\"");

        var error = Assert.Single(errors);
        Assert.StartsWith($"config.yml:19:16: servers[0].engine.command: expected a list of strings", error);
        Assert.Contains($"got \"{Venv} serve\"", error);
    }

    [Fact]
    public void Command_as_a_mapping_is_rejected_as_not_a_list()
    {
        Assert.Equal(
            [$"config.yml:2:12: engine.command: expected a list of strings, the program then its leading arguments (e.g. [{Venv}, serve]), got a mapping"],
            ConfigText.Errors("engine:\n  command: { program: vllm }\n" + ProcessServer));
    }

    [Fact]
    public void Empty_command_list_is_rejected()
    {
        Assert.Equal(
            [$"config.yml:2:12: engine.command: expected at least the program to run (e.g. [{Venv}, serve]), got an empty list"],
            ConfigText.Errors("engine:\n  command: []\n" + ProcessServer));
    }

    [Fact]
    public void Empty_argument_in_a_command_is_rejected()
    {
        Assert.Equal(
            ["config.yml:2:19: engine.command[1]: expected a non-empty argument, got an empty string"],
            ConfigText.Errors("engine:\n  command: [vllm, \"\", serve]\n" + ProcessServer));
    }

    [Fact]
    public void Nested_list_in_a_command_is_rejected()
    {
        Assert.Equal(
            ["config.yml:2:19: engine.command[1]: expected a string, got a list"],
            ConfigText.Errors("engine:\n  command: [vllm, [serve]]\n" + ProcessServer));
    }

    [Fact]
    public void Misspelt_command_key_suggests_command()
    {
        Assert.Equal(
            ["config.yml:2:3: engine.comand: unknown key 'comand'; did you mean 'command'?"],
            ConfigText.Errors($"engine:\n  comand: [{Venv}, serve]\n" + ProcessServer));
    }

    [Fact]
    public void Model_command_replaces_the_global_one_and_server_command_replaces_both()
    {
        var result = ConfigText.Load("""
            prices: { rtx4090: 0.39 }
            engine: { command: [/global/vllm, serve] }
            workloads:
              - { name: smoke, input_len: 200, output_len: 100, num_prompts: 64 }
            models:
              plain: { id: org/plain, weights_gb: 17 }
              own: { id: org/own, weights_gb: 17, engine: { command: [/model/vllm, serve] } }
            servers:
              - name: box
                local: true
                runtime: process
                gpu: { type: rtx4090, count: 4 }
                models: [plain, own]
              - name: venv-box
                local: true
                runtime: process
                gpu: { type: rtx4090, count: 4 }
                models: [plain, own]
                engine: { command: [/server/vllm, serve] }
            """);

        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        var config = result.Config!;
        string? ProgramOf(int server, string model) => config.EngineFor(config.Servers[server], config.Model(model)).Command?[0];
        Assert.Equal(("/global/vllm", "/model/vllm"), (ProgramOf(0, "plain"), ProgramOf(0, "own")));
        Assert.Equal(("/server/vllm", "/server/vllm"), (ProgramOf(1, "plain"), ProgramOf(1, "own")));
    }

    [Fact]
    public void Server_command_on_the_docker_runtime_is_an_error_naming_the_fix()
    {
        Assert.Equal(
            ["config.yml:17:24: servers[0].engine.command: server 'box' runs runtime docker, where the image's entrypoint serves the engine " +
             "and command is never run; set runtime: process to run this program on the box, or remove command"],
            ConfigText.Errors(ConfigText.Valid + $"\n    engine: {{ command: [{Venv}, serve] }}"));
    }

    [Fact]
    public void Command_beside_kind_sim_in_one_block_is_an_error()
    {
        Assert.Equal(
            ["config.yml:1:31: engine.command: kind sim runs GpuBench's simulator, which never runs command " +
             "(the program serving vLLM under runtime: process); remove one of the two"],
            ConfigText.Errors("engine: { kind: sim, command: [vllm, serve] }\n" + ProcessServer));
    }

    [Fact]
    public void Global_command_that_only_docker_servers_would_see_is_a_warning_and_the_config_stays_valid()
    {
        var result = ConfigText.Load($"engine:\n  command: [{Venv}, serve]\n" + ConfigText.Valid);

        Assert.True(result.IsValid);
        Assert.Equal(
            ["config.yml:2:12: warning: engine.command: command is never run: it serves vLLM under runtime: process only, " +
             "and here server 'box' runs runtime docker (the image's entrypoint)"],
            result.Warnings.Select(w => w.ToString()));
    }

    [Fact]
    public void Global_command_replaced_on_every_server_is_a_warning_naming_the_replacement()
    {
        var warnings = ConfigText.Warnings($"engine:\n  command: [{Venv}, serve]\n" + ProcessServer + "\n    engine: { command: [vllm, serve] }");

        Assert.Equal(
            ["config.yml:2:12: warning: engine.command: command is never run: it serves vLLM under runtime: process only, " +
             "and here servers[0].engine.command replaces it for 'qwen' on server 'box'"],
            warnings);
    }

    [Fact]
    public void Global_command_used_by_one_process_server_needs_no_word_about_a_sim_server()
    {
        var yaml = $"engine:\n  command: [{Venv}, serve]\n" + ProcessServer +
            "\n  - name: sim\n    local: true\n    gpu: { type: rtx4090, count: 4 }\n    models: [qwen]\n    engine: { kind: sim }";

        Assert.Empty(ConfigText.Load(yaml).Diagnostics);
    }

    [Fact]
    public void Model_command_whose_only_server_runs_it_as_sim_is_a_warning()
    {
        var yaml = ProcessServer.Replace("weights_gb: 17", $"weights_gb: 17\n    engine: {{ command: [{Venv}, serve] }}", StringComparison.Ordinal)
            + "\n    engine: { kind: sim }";

        Assert.Equal(
            ["config.yml:12:24: warning: models.qwen.engine.command: command is never run: it serves vLLM under runtime: process only, " +
             "and here 'qwen' on server 'box' is kind sim (the simulator)"],
            ConfigText.Warnings(yaml));
    }

    [Fact]
    public void Single_item_with_a_space_is_run_as_one_program_and_warned_about()
    {
        var warnings = ConfigText.Warnings($"engine:\n  command: [\"{Venv} serve\"]\n" + ProcessServer);

        Assert.Equal(
            [$"config.yml:2:13: warning: engine.command[0]: \"{Venv} serve\" is run as one program whose name contains a space, not split into words; " +
             "if it is a program and its arguments, write each as its own item"],
            warnings);
    }

    [Fact]
    public void Token_in_a_command_is_rejected_like_anywhere_else()
    {
        var errors = ConfigText.Errors($"engine:\n  command: [{Venv}, serve, --hf-token, hf_abcdefghijklmnopqrstuvwxyz0123456789]\n" + ProcessServer);

        var error = Assert.Single(errors);
        Assert.StartsWith("config.yml:2:", error);
        Assert.Contains("engine.command[3]: this looks like an access token", error);
    }

    [Fact]
    public void Command_survives_the_writer_at_the_level_it_was_set()
    {
        var yaml = $"engine:\n  command: [{Venv}, serve]\n" + ProcessServer.Replace(
            "weights_gb: 17", "weights_gb: 17\n    engine: { command: [/srv/model-vllm, serve, --x] }", StringComparison.Ordinal);
        var config = ConfigText.Load(yaml).Config!;

        var written = ConfigWriter.ToYaml(config);
        var reread = ConfigText.Load(written);

        Assert.Equal([Venv, "serve"], reread.Config!.Engine.Command);
        Assert.Equal(["/srv/model-vllm", "serve", "--x"], reread.Config.Model("qwen").Engine.Command);
        Assert.Null(reread.Config.Servers[0].Engine.Command);
        Assert.Equal(written, ConfigWriter.ToYaml(reread.Config));
    }
}
