using GpuBench.Controller.Commands;

namespace GpuBench.Controller.Tests.Commands;

public class PredictCommandTests
{
    [Fact]
    public void Predict_plans_a_layout_and_prints_the_load_generators_result_block()
    {
        var result = GpuBenchApp.Run("predict", "--gpu", "rtx4090", "--gpus", "4", "--model", "ibnzterrell/Meta-Llama-3.3-70B-Instruct-AWQ-INT4",
            "--num-prompts", "40", "--max-concurrency", "20", "--random-input-len", "200", "--random-output-len", "50", "--kv-cache-dtype", "fp8");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("SIMULATED (not measured)", result.Output, StringComparison.Ordinal);
        Assert.Contains("layout 2 × pp2", result.Output, StringComparison.Ordinal);
        Assert.Contains("============ Serving Benchmark Result ============", result.Output, StringComparison.Ordinal);
        Assert.Contains(result.Lines(), l => l.StartsWith("Successful requests:", StringComparison.Ordinal) && l.EndsWith(" 40", StringComparison.Ordinal));
        Assert.Contains(result.Lines(), l => l.StartsWith("Total generated tokens:", StringComparison.Ordinal) && l.EndsWith(" 2000", StringComparison.Ordinal));
    }

    [Fact]
    public void Predict_explains_a_layout_that_does_not_start()
    {
        var result = GpuBenchApp.Run("predict", "--gpu", "rtx4090", "--model", "cpatonn/GLM-4.5-Air-AWQ-4bit", "--pp", "1", "--num-prompts", "4");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no memory left for the KV cache", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_needs_a_gpu_and_a_model()
    {
        var result = GpuBenchApp.Run("predict", "--num-prompts", "4");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--gpu and --model are required", result.Output, StringComparison.Ordinal);
    }

    /// <summary>Llama-3.1-8B's architecture figures, as its config.json on the Hub gives them.</summary>
    private const string Llama8BConfig = """
        {"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336, "num_attention_heads": 32,
         "num_hidden_layers": 32, "num_key_value_heads": 8, "vocab_size": 128256, "max_position_embeddings": 131072,
         "tie_word_embeddings": false, "torch_dtype": "bfloat16"}
        """;

    [Fact]
    public void Predict_reads_any_model_from_its_config_json()
    {
        var config = Path.Combine(Directory.CreateTempSubdirectory().FullName, "config.json");
        File.WriteAllText(config, Llama8BConfig);

        var result = GpuBenchApp.Run("predict", "--gpu", "h200", "--model", "someone/Llama-8B-finetune", "--model-config", config,
            "--num-prompts", "20", "--max-concurrency", "10", "--random-input-len", "100", "--random-output-len", "20");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("someone/Llama-8B-finetune on 1 × NVIDIA H200", result.Output, StringComparison.Ordinal);
        Assert.Contains(result.Lines(), l => l.StartsWith("Total generated tokens:", StringComparison.Ordinal) && l.EndsWith(" 400", StringComparison.Ordinal));
    }

    [Fact]
    public void A_model_in_the_hugging_face_cache_needs_no_profile()
    {
        var hfHome = Directory.CreateTempSubdirectory().FullName;
        var repository = Path.Combine(hfHome, "hub", "models--someone--Llama-8B-finetune");
        const string commit = "0123456789abcdef0123456789abcdef01234567";
        Directory.CreateDirectory(Path.Combine(repository, "snapshots", commit));
        Directory.CreateDirectory(Path.Combine(repository, "refs"));
        File.WriteAllText(Path.Combine(repository, "refs", "main"), commit);
        File.WriteAllText(Path.Combine(repository, "snapshots", commit, "config.json"), Llama8BConfig);
        File.WriteAllText(Path.Combine(repository, "snapshots", commit, "model.safetensors.index.json"), """{"metadata": {"total_size": 16060522496}}""");

        var profile = ModelProfileResolver.Resolve("someone/Llama-8B-finetune", null, hfHome);

        Assert.Equal(16.060522496, profile.ServedWeightsGb!.Value, 9);
        Assert.Equal(32, profile.Layers);
    }

    [Fact]
    public void A_model_without_a_profile_or_a_config_is_an_error_that_says_what_to_pass()
    {
        var result = GpuBenchApp.Run("predict", "--gpu", "h200", "--model", "nobody/unknown-model", "--num-prompts", "4");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no profile for 'nobody/unknown-model'", result.Output, StringComparison.Ordinal);
        Assert.Contains("--model-config", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_it_cannot_model_names_the_missing_piece()
    {
        var config = Path.Combine(Directory.CreateTempSubdirectory().FullName, "config.json");
        File.WriteAllText(config, """{"hidden_size": 4096, "num_attention_heads": 32, "num_hidden_layers": 32}""");

        var result = GpuBenchApp.Run("predict", "--gpu", "h200", "--model", "x/y", "--model-config", config, "--num-prompts", "4");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'vocab_size' is missing", result.Output, StringComparison.Ordinal);
    }

    /// <summary>One conversation in one-syllable words, each one token of the simulator's tokenizer.</summary>
    private const string Conversation = """
        [{"id": "c0", "conversations": [
          {"from": "human", "value": " ba be bi bo bu"}, {"from": "gpt", "value": " ka ke ki ko"},
          {"from": "human", "value": " da de"}, {"from": "gpt", "value": " fa fe fi"}]}]
        """;

    [Fact]
    public void Predict_replays_a_datasets_conversations_turn_by_turn_in_the_simulators_tokens()
    {
        var folder = Directory.CreateTempSubdirectory("gpubench-predict-").FullName;
        var path = Path.Combine(folder, "chat.json");
        File.WriteAllText(path, Conversation);

        var result = GpuBenchApp.Run("predict", "--gpu", "h200", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--dataset-name", "sharegpt",
            "--dataset-path", path, "--multi-turn", "--think-time", "0.5", "--num-prompts", "1", "--random-input-len", "999");
        Directory.Delete(folder, recursive: true);

        // Turn 0: (4 + 5) + 3 template tokens = 12, answer 4; turn 1: (4 + 5) + (4 + 4) + (4 + 2) + 3 = 26, answer 3.
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains(result.Lines(), l => l.StartsWith("Total input tokens:", StringComparison.Ordinal) && l.EndsWith(" 38", StringComparison.Ordinal));
        Assert.Contains(result.Lines(), l => l.StartsWith("Total generated tokens:", StringComparison.Ordinal) && l.EndsWith(" 7", StringComparison.Ordinal));
        Assert.Contains("Dataset: sharegpt (chat.json, sha256 ", result.Output, StringComparison.Ordinal);
        Assert.Contains("2 requests in 1 conversations", result.Output, StringComparison.Ordinal);
        Assert.Contains(result.Lines(), l => l.StartsWith("Turn 0: 1/1 completed, mean input 12 tokens", StringComparison.Ordinal));
        Assert.Contains(result.Lines(), l => l.StartsWith("Turn 1: 1/1 completed, mean input 26 tokens", StringComparison.Ordinal));
        Assert.Contains(result.Lines(), l => l.StartsWith("Prefix cache hit rate:", StringComparison.Ordinal));
    }

    [Fact]
    public void Predict_with_a_missing_dataset_file_says_which()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"gpubench-missing-{Guid.NewGuid():N}.json");

        var result = GpuBenchApp.Run("predict", "--gpu", "h200", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--dataset-name", "sharegpt",
            "--dataset-path", missing, "--num-prompts", "4");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(missing, result.Output, StringComparison.Ordinal);
    }
}
