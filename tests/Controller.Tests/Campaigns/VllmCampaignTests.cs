using System.Runtime.Versioning;
using System.Text;
using GpuBench.Controller.Campaigns;
using GpuBench.Core.Config;
using GpuBench.Core.Results;
using GpuBench.TestSupport;
using GpuBench.TestSupport.Hub;

namespace GpuBench.Controller.Tests.Campaigns;

/// <summary>
/// A vllm-kind campaign on the process runtime: the agent provisions the model from a fake Hugging Face Hub, then
/// starts the engine as `vllm serve …` or as config.yml's engine `command` says — here a script that checks what
/// vLLM would need (the files in HF_HOME, offline) before handing its argv to the simulator, so the run goes through
/// with no GPU.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class VllmCampaignTests(SharedTestBundle bundle) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gpubench-vllm-campaign-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_vllm_campaign_provisions_the_model_before_the_engine_starts_and_records_the_outcome()
    {
        await using var hub = await TestHubServer.StartAsync(Ct);
        var commit = hub.Add(new HubRepository(TestCampaigns.Model)).Commit("main", Files);
        var seen = Path.Combine(_folder, "vllm-saw.txt");
        var vllm = FakeVllm(Path.Combine(_folder, "bin", "vllm"), seen);

        var (config, outcome) = await RunAsync(hub, serverEngine: "{}", vllm: [vllm, "serve"]);

        Assert.True(outcome.Kind == RunOutcomeKind.Completed, $"{outcome.Reason}\n{ReadIfExists(seen)}");

        // What the engine found when it started: every file vLLM reads already in the cache, and the Hub off limits.
        var snapshot = Path.Combine(HfHome, "hub", $"models--{TestCampaigns.Model.Replace("/", "--", StringComparison.Ordinal)}", "snapshots", commit);
        Assert.Equal(
            [$"argv: {vllm} serve {TestCampaigns.Model} --served-model-name", "HF_HUB_OFFLINE=1", $"snapshot: {snapshot}", "config.json", "model.safetensors", "tokenizer.json"],
            File.ReadAllLines(seen).Take(6));
        Assert.Equal(Files["model.safetensors"], await File.ReadAllBytesAsync(Path.Combine(snapshot, "model.safetensors"), Ct));
        Assert.False(File.Exists(Path.Combine(snapshot, "README.md")), "only the files vLLM reads are provisioned");
        Assert.Single(hub.BodyRequests("model.safetensors"));

        // The run record carries the provisioning outcome, read back through the one record type.
        var folder = RunFolderOf(config);
        using var json = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "result.json"), Ct));
        var record = RunRecordJson.ReadFromResult(json.RootElement)!;
        Assert.Equal(("vllm", RunRecord.Succeeded), (record.Engine, record.State));
        var provisioning = record.Provisioning!;
        Assert.Equal(("downloaded", commit, 3, 3), (provisioning.Outcome, provisioning.Commit, provisioning.FileCount, provisioning.FilesDownloaded));
        var provisioned = Files.Where(f => f.Key != "README.md").Sum(f => (long)f.Value.Length);
        Assert.Equal((provisioned, provisioned, false), (provisioning.TotalBytes, provisioning.BytesDownloaded, provisioning.FromCache));
        Assert.Null(provisioning.Error);
        var command = await File.ReadAllTextAsync(Path.Combine(folder, "command.txt"), Ct);
        Assert.Contains(vllm, command, StringComparison.Ordinal);
        // vLLM v0.11.0's `serve` takes the model positionally only (src/Core/Engines/vllm-cli.yml).
        Assert.Contains($"serve {TestCampaigns.Model} --served-model-name", command, StringComparison.Ordinal);
        Assert.True(record.EngineStartSeconds > 0, "the engine's start time is recorded");
    }

    [Fact]
    public async Task The_engine_command_from_config_is_the_program_the_agent_runs_instead_of_the_default()
    {
        await using var hub = await TestHubServer.StartAsync(Ct);
        hub.Add(new HubRepository(TestCampaigns.Model)).Commit("main", Files);
        var seen = Path.Combine(_folder, "engine-saw.txt");
        // Neither named vllm nor on PATH: only config.yml's command can lead the agent to it.
        var program = FakeVllm(Path.Combine(_folder, "opt", "venv", "bin", "serve-engine"), seen);

        // The code-level default names a program that does not exist, so a run that used it would fail.
        var (config, outcome) = await RunAsync(hub, serverEngine: $"{{ command: ['{program}', serve] }}", vllm: ["/nonexistent/vllm", "serve"]);

        Assert.True(outcome.Kind == RunOutcomeKind.Completed, $"{outcome.Reason}\n{ReadIfExists(seen)}");
        Assert.Equal($"argv: {program} serve {TestCampaigns.Model} --served-model-name", File.ReadLines(seen).First());
        var folder = RunFolderOf(config);
        var command = await File.ReadAllTextAsync(Path.Combine(folder, "command.txt"), Ct);
        Assert.Contains($"{program} serve {TestCampaigns.Model} --served-model-name", command, StringComparison.Ordinal);
        Assert.DoesNotContain("/nonexistent/vllm", command, StringComparison.Ordinal);

        // The run's own config.yml says which program served it, and reads back to the same command.
        var slice = ConfigLoader.Load(Path.Combine(folder, "config.yml"));
        Assert.True(slice.IsValid, string.Join('\n', slice.Errors));
        Assert.Equal([program, "serve"], slice.Config!.Servers[0].Engine.Command);
    }

    private static Dictionary<string, byte[]> Files { get; } = new()
    {
        ["config.json"] = Encoding.UTF8.GetBytes("""{"architectures":["Qwen3MoeForCausalLM"]}"""),
        ["tokenizer.json"] = Encoding.UTF8.GetBytes("""{"version":"1.0"}"""),
        ["model.safetensors"] = HubRepository.Bytes(300_000, 11),
        ["README.md"] = Encoding.UTF8.GetBytes("not for vLLM"),
    };

    private string HfHome => Path.Combine(_folder, "hf");

    private static string RunFolderOf(BenchConfig config) => Path.Combine(config.ResultsDir, "vllm", "box-4090", "qwen", "tiny1");

    /// <summary>
    /// One vllm-kind run on the process runtime through a local agent whose models come from <paramref name="hub"/>;
    /// <paramref name="serverEngine"/> is the server's engine block, <paramref name="vllm"/> the code-level vLLM command.
    /// </summary>
    private async Task<(BenchConfig Config, RunOutcome Outcome)> RunAsync(TestHubServer hub, string serverEngine, IReadOnlyList<string> vllm)
    {
        var configPath = Path.Combine(_folder, "config.yml");
        await File.WriteAllTextAsync(configPath, $$"""
            results_dir: results
            prices: { rtx4090: 0.39 }
            engine: { kind: vllm, max_model_len: 4096 }
            workloads:
            {{TestCampaigns.Workloads(1)}}
            models:
              qwen: { id: {{TestCampaigns.Model}}, weights_gb: 17 }
            servers:
              - name: box-4090
                local: true
                runtime: process
                hf_home: {{HfHome}}
                gpu: { type: rtx4090, count: 1 }
                models: [qwen]
                engine: {{serverEngine}}
            """, Ct);
        var config = CampaignHarness.Load(configPath);
        var settings = new CampaignSettings
        {
            Name = "vllm",
            Reach = new AgentReach
            {
                LocalTools = AgentTools.FindLocal(bundle.Path)! with { Vllm = vllm },
                AgentSettings = new Dictionary<string, string> { ["Agent__HubEndpoint"] = hub.HubAddress.ToString() },
            },
        };
        using var harness = new CampaignHarness();

        var result = await harness.RunAsync(config, settings, new RecordingObserver(), Ct);

        return (config, Assert.Single(result.Outcomes));
    }

    /// <summary>
    /// A `vllm` that refuses to start, as vLLM offline would, unless the model's snapshot is complete in HF_HOME;
    /// writes what it saw to <paramref name="seen"/>, then serves with the simulator under the same argv.
    /// </summary>
    private static string FakeVllm(string path, string seen)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var cache = $"models--{TestCampaigns.Model.Replace("/", "--", StringComparison.Ordinal)}";
        File.WriteAllText(path, $$"""
            #!/bin/sh
            seen='{{seen}}'
            echo "argv: $0 $1 $2 $3" > "$seen"
            echo "HF_HUB_OFFLINE=$HF_HUB_OFFLINE" >> "$seen"
            snapshot=$(ls -d "$HF_HOME"/hub/{{cache}}/snapshots/* 2>/dev/null | head -n 1)
            echo "snapshot: $snapshot" >> "$seen"
            ls "$snapshot" >> "$seen" 2>&1
            for file in config.json tokenizer.json model.safetensors; do
              [ -s "$snapshot/$file" ] || { echo "$file is not in $HF_HOME" >&2; exit 3; }
            done
            exec '{{AgentTools.DotNet}}' '{{BuiltProjects.Simulator}}' "$@"

            """);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static string ReadIfExists(string path) => File.Exists(path) ? File.ReadAllText(path) : "(the engine never started)";
}
