using System.Runtime.Versioning;
using System.Text.Json;
using GpuBench.Controller.Campaigns;
using GpuBench.Controller.Ssh;
using GpuBench.Controller.Tests.Ssh;
using GpuBench.TestSupport;

namespace GpuBench.Controller.Tests.Campaigns;

/// <summary>A campaign on a box reached over SSH (a real sshd on loopback), with the simulator as engine.</summary>
[SupportedOSPlatform("linux")]
public sealed class SshCampaignTests(SshdFixture sshd) : IClassFixture<SshdFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gpubench-ssh-campaign-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_campaign_over_ssh_survives_a_cut_link_and_passes_config_values_to_the_agent_literally()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var sentinel = Path.Combine(_folder, "shell-ran");
        var probe = $"$(touch {sentinel}) `touch {sentinel}` \"dq\" 'sq' ; & | > * {{x}}";
        var configPath = Path.Combine(_folder, "config.yml");
        await File.WriteAllTextAsync(configPath, $$"""
            results_dir: results
            prices:
              rtx4090: 0.39
            engine:
              kind: sim
              max_model_len: 4096
              env:
                GPUBENCH_PROBE: '{{probe.Replace("'", "''", StringComparison.Ordinal)}}'
            workloads:
            {{TestCampaigns.Workloads(1, prompts: 16, outputLen: 16, requestRate: "2")}}
            models:
              qwen: { id: {{TestCampaigns.Model}}, weights_gb: 17 }
            {{await FarServerAsync()}}
            """, Ct);
        var config = CampaignHarness.Load(configPath);

        // No --bundle: the bundle is the one stored for the box's runtime id, as `gpubench bundle` leaves it.
        var store = await StoredBundleAsync();

        // The link is cut as soon as the run reports progress (requests are released two a second, so the run lasts
        // about eight): the run goes on on the box, and its result is fetched once the link is back.
        var cut = 0;
        Exception? cutError = null;
        var observer = new RecordingObserver(onProgress: p =>
        {
            if (p.Phase == RunPhase.Running && p.RequestsTotal > 0 && Interlocked.CompareExchange(ref cut, -1, 0) == 0)
            {
                try
                {
                    Volatile.Write(ref cut, sshd.KillSessions());
                }
                catch (Exception e)
                {
                    cutError = e;
                }
            }
        });
        var settings = new CampaignSettings
        {
            Name = "remote",
            Reach = new AgentReach
            {
                Bundles = store,
                ConfigureSsh = ConfigureSsh,
                ReconnectPolicy = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(2), MaxAttempts = 40 },
            },
        };
        using var harness = new CampaignHarness();

        var result = await harness.RunAsync(config, settings, observer, Ct);

        var outcome = Assert.Single(result.Outcomes);
        Assert.True(outcome.Kind == RunOutcomeKind.Completed, outcome.Reason);
        Assert.True(Volatile.Read(ref cut) > 0, $"the SSH link was never cut ({cut}): {cutError}");
        var folder = Path.Combine(config.ResultsDir, "remote", "far-4090", "qwen", "tiny1");
        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "result.json"), Ct)))
        {
            Assert.Equal(16, json.RootElement.GetProperty("completed").GetInt32());
            Assert.Equal("far-4090", json.RootElement.GetProperty("run").GetProperty("server").GetString());
        }

        Assert.Equal(16, (await File.ReadAllLinesAsync(Path.Combine(folder, "requests.jsonl"), Ct)).Length);

        // The value travelled as data (config → JSON → agent → engine environment), never through a shell.
        Assert.False(File.Exists(sentinel), "a shell interpreted a config value");
        var command = await File.ReadAllTextAsync(Path.Combine(folder, "command.txt"), Ct);
        Assert.Contains($"$(touch {sentinel})", command, StringComparison.Ordinal);
        Assert.Contains($"`touch {sentinel}`", command, StringComparison.Ordinal);

        // The agent on the box was stopped at the end.
        var agents = Directory.EnumerateFiles(Path.Combine(_folder, "remote-root", "agents"), "agent.pid", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(agents);
        Assert.All(agents, pid => Assert.False(Directory.Exists($"/proc/{File.ReadAllText(pid).Trim()}")));
    }

    [Fact]
    public async Task Without_a_bundle_for_the_box_the_server_fails_naming_gpubench_bundle_for_its_runtime_id()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var configPath = Path.Combine(_folder, "config.yml");
        await File.WriteAllTextAsync(configPath, $$"""
            results_dir: results
            engine: { kind: sim }
            workloads:
            {{TestCampaigns.Workloads(1)}}
            models:
              qwen: { id: {{TestCampaigns.Model}}, weights_gb: 17 }
            {{await FarServerAsync()}}
            """, Ct);
        var empty = new BundleStore(Path.Combine(_folder, "bundles"));
        using var harness = new CampaignHarness();

        var result = await harness.RunAsync(
            CampaignHarness.Load(configPath),
            new CampaignSettings { Name = "remote", Reach = new AgentReach { Bundles = empty, ConfigureSsh = ConfigureSsh } },
            new RecordingObserver(),
            Ct);

        // The box said `Linux x86_64` over SSH: the bundle it needs is linux-x64's, and the message says how to build it.
        var outcome = Assert.Single(result.Outcomes);
        Assert.Equal(RunOutcomeKind.Failed, outcome.Kind);
        Assert.Contains("gpubench bundle --runtime linux-x64 --output ", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains(empty.RuntimeDirectory("linux-x64"), outcome.Reason, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder, "remote-root", "bundles")), "nothing is uploaded without a bundle");
    }

    [Fact]
    public async Task A_dataset_workload_ships_its_file_once_and_reuses_it_when_the_campaign_runs_again()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        Directory.CreateDirectory(Path.Combine(_folder, "data"));
        var datasetPath = Path.Combine(_folder, "data", "chat.json");
        await File.WriteAllTextAsync(datasetPath, JsonSerializer.Serialize(Enumerable.Range(0, 6).Select(i => new
        {
            conversations = new[]
            {
                new { from = "human", value = $"Question number {i}: how do plants drink water?" },
                new { from = "gpt", value = $"Answer {i}: through their roots, and the water rises to the leaves." },
            },
        })), Ct);
        var sha256 = GpuBench.LoadGen.Dataset.DatasetSampler.Sha256Of(datasetPath);
        var configPath = Path.Combine(_folder, "config.yml");
        await File.WriteAllTextAsync(configPath, $$"""
            results_dir: results
            engine: { kind: sim, max_model_len: 4096 }
            workloads:
              - name: chat
                dataset: { name: sharegpt, path: data/chat.json, sharegpt_output_len: 8 }
                num_prompts: 4
                max_concurrency: 4
            models:
              qwen: { id: {{TestCampaigns.Model}}, weights_gb: 17 }
            {{await FarServerAsync()}}
            """, Ct);
        var config = CampaignHarness.Load(configPath);
        var reach = new AgentReach { Bundles = await StoredBundleAsync(), ConfigureSsh = ConfigureSsh };
        var onBox = Path.Combine(_folder, "remote-root", "data", "datasets", sha256);
        using var harness = new CampaignHarness();

        var first = await harness.RunAsync(config, new CampaignSettings { Name = "remote", Reach = reach }, new RecordingObserver(), Ct);
        var shippedAt = File.GetLastWriteTimeUtc(onBox);
        var second = await harness.RunAsync(config, new CampaignSettings { Name = "remote", Reach = reach, Force = true }, new RecordingObserver(), Ct);

        Assert.All(first.Outcomes.Concat(second.Outcomes), o => Assert.True(o.Kind == RunOutcomeKind.Completed, o.Reason));
        Assert.Equal(await File.ReadAllBytesAsync(datasetPath, Ct), await File.ReadAllBytesAsync(onBox, Ct));
        Assert.Equal(shippedAt, File.GetLastWriteTimeUtc(onBox));
        var logs = Directory.EnumerateFiles(Path.Combine(_folder, "remote-root", "agents"), RemoteAgentLauncher.LogName, SearchOption.AllDirectories).ToList();
        Assert.Equal(2, logs.Count);
        Assert.Equal(1, logs.Sum(log => File.ReadAllLines(log).Count(l => l.Contains($"Stored dataset {sha256}", StringComparison.Ordinal))));

        var folder = Path.Combine(config.ResultsDir, "remote", "far-4090", "qwen", "chat");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "result.json"), Ct));
        var dataset = json.RootElement.GetProperty("gpubench").GetProperty("dataset");
        Assert.Equal("sharegpt", dataset.GetProperty("name").GetString());
        Assert.Equal("chat.json", dataset.GetProperty("file").GetString());
        Assert.Equal(sha256, dataset.GetProperty("sha256").GetString());
        Assert.Equal("8", dataset.GetProperty("flags").GetProperty("sharegpt_output_len").GetString());
        Assert.Equal(4, dataset.GetProperty("requests").GetInt32());
        Assert.Equal(8, dataset.GetProperty("output_lens").GetProperty("max").GetInt32());
    }

    /// <summary>A bundle store holding the test bundle for linux-x64, as `gpubench bundle` leaves it.</summary>
    private async Task<BundleStore> StoredBundleAsync()
    {
        var store = new BundleStore(Path.Combine(_folder, "bundles"));
        await store.AddAsync("linux-x64", TestBundle.Create(Path.Combine(_folder, "staged-bundle")), Ct);
        return store;
    }

    /// <summary>config.yml's servers: one RTX 4090 box serving qwen, reached through the test's sshd with its key pinned.</summary>
    private async Task<string> FarServerAsync() => $$"""
        servers:
          - name: far-4090
            ssh:
              host: 127.0.0.1
              port: {{sshd.Port}}
              user: {{sshd.User}}
              key: {{sshd.UserKey}}
              host_key: "{{await sshd.FingerprintAsync(sshd.Ed25519HostKey)}}"
            gpu: { type: rtx4090, count: 1 }
            models: [qwen]
        """;

    private SshServerOptions ConfigureSsh(SshServerOptions options) => options with
    {
        RemoteRoot = Path.Combine(_folder, "remote-root"),
        KnownHostsFile = Path.Combine(_folder, "known_hosts"),
        KeepAliveInterval = TimeSpan.FromSeconds(2),
        ConnectTimeout = TimeSpan.FromSeconds(20),
    };
}
