using GpuBench.Core.Config;

namespace GpuBench.Core.Tests.Config;

public sealed class DatasetConfigTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gpubench-dataset-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string WithDataset(string dataset) => ConfigText.Valid.Replace("""
            input_len: 200
            output_len: 100
            num_prompts: 64
        """, $"""
            num_prompts: 64
            dataset: {dataset}
        """, StringComparison.Ordinal);

    [Fact]
    public void A_dataset_path_is_relative_to_the_config_and_its_flags_are_read()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "data"));
        File.WriteAllText(Path.Combine(_folder, "data", "chat.json"), "[]");

        var result = ConfigText.Load(WithDataset("{ name: sharegpt, path: data/chat.json, sharegpt_output_len: 64, disable_shuffle: true }"), _folder);

        Assert.Empty(result.Errors);
        var dataset = result.Config!.Workloads[0].Dataset!;
        Assert.Equal(("sharegpt", Path.Combine(_folder, "data", "chat.json"), 64, true), (dataset.Name, dataset.Path, dataset.SharegptOutputLen, dataset.DisableShuffle));
        Assert.Equal(0, result.Config.Workloads[0].InputLen);
    }

    [Fact]
    public void A_missing_dataset_file_is_an_error_at_its_path_key()
    {
        var errors = ConfigText.Errors(WithDataset("{ name: custom, path: nowhere.jsonl }"), _folder);

        Assert.Equal([$"config.yml:6:36: workloads[0].dataset.path: dataset file not found: {Path.Combine(_folder, "nowhere.jsonl")}"], errors);
    }

    [Fact]
    public void Unknown_names_keys_and_a_path_for_a_dataset_without_file_are_errors()
    {
        Assert.Equal(["config.yml:6:22: workloads[0].dataset.name: unknown dataset 'sharegtp'; did you mean 'sharegpt'? (known: random, sharegpt, custom, sonnet, prefix_repetition, mooncake)",
            "config.yml:6:38: workloads[0].dataset.path: dataset 'sharegtp' reads no file; path is for sharegpt, custom, sonnet, mooncake"],
            ConfigText.Errors(WithDataset("{ name: sharegtp, path: x.json }"), _folder));
        Assert.Equal(["config.yml:6:41: unknown key 'sharegpt_output'; did you mean 'sharegpt_output_len'?"],
            ConfigText.Errors(WithDataset("{ name: prefix_repetition, sharegpt_output: 3 }"), _folder).Select(e => e.Replace("workloads[0].dataset.sharegpt_output: ", "", StringComparison.Ordinal)));
        Assert.Contains(ConfigText.Errors(WithDataset("{ name: sharegpt }"), _folder), e => e.Contains("missing required key 'path'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_random_dataset_still_needs_its_lengths()
    {
        Assert.Contains(ConfigText.Errors(WithDataset("{ name: random }"), _folder), e => e.Contains("missing required key 'input_len'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_run_slice_writes_the_dataset_back()
    {
        File.WriteAllText(Path.Combine(_folder, "t.jsonl"), "{}");
        var config = ConfigText.Load(WithDataset("{ name: mooncake, path: t.jsonl, trace_time_scale: 0.5 }"), _folder).Config!;

        var yaml = ConfigWriter.ToYaml(config);

        Assert.Contains("dataset:", yaml, StringComparison.Ordinal);
        var reread = ConfigText.Load(yaml, _folder);
        Assert.Empty(reread.Errors.Select(e => e.ToString()));
        Assert.Equal(config.Workloads[0].Dataset, reread.Config!.Workloads[0].Dataset);
    }

    [Fact]
    public void Multi_turn_and_its_think_time_are_read_and_written_back()
    {
        File.WriteAllText(Path.Combine(_folder, "chat.json"), "[]");
        var config = ConfigText.Load(WithDataset("{ name: sharegpt, path: chat.json, multi_turn: true, think_time: 1.5 }"), _folder).Config!;

        var dataset = config.Workloads[0].Dataset!;
        Assert.Equal((true, 1.5), (dataset.MultiTurn, dataset.ThinkTime));
        Assert.Equal(dataset, ConfigText.Load(ConfigWriter.ToYaml(config), _folder).Config!.Workloads[0].Dataset);
    }

    [Fact]
    public void Multi_turn_needs_sharegpt_and_chat_and_think_time_needs_multi_turn()
    {
        File.WriteAllText(Path.Combine(_folder, "p.jsonl"), "{}");
        File.WriteAllText(Path.Combine(_folder, "chat.json"), "[]");

        Assert.Equal(["config.yml:6:57: workloads[0].dataset.multi_turn: multi_turn replays ShareGPT conversations turn by turn; dataset 'custom' has no turns (use name: sharegpt)"],
            ConfigText.Errors(WithDataset("{ name: custom, path: p.jsonl, multi_turn: true }"), _folder));
        Assert.Equal(["config.yml:6:61: workloads[0].dataset.think_time: think_time is the pause between the turns of a conversation: set multi_turn: true"],
            ConfigText.Errors(WithDataset("{ name: sharegpt, path: chat.json, think_time: 2 }"), _folder));
        Assert.Contains(ConfigText.Errors(WithDataset("{ name: sharegpt, path: chat.json, multi_turn: true, think_time: -1 }"), _folder),
            e => e.Contains("workloads[0].dataset.think_time: expected a number ≥ 0", StringComparison.Ordinal));
        Assert.Equal(["config.yml:6:14: workloads[0].dataset: multi_turn sends each turn with its history as chat messages: use backend openai-chat"],
            ConfigText.Errors(WithDataset("{ name: sharegpt, path: chat.json, multi_turn: true }\n    backend: openai"), _folder));
    }
}
