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
            {{TestCampaigns.Workloads(1, prompts: 16, outputLen: 48)}}
            models:
              qwen: { id: {{TestCampaigns.Model}}, weights_gb: 17 }
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
            """, Ct);
        var config = CampaignHarness.Load(configPath);
        var bundle = TestBundle.Create(Path.Combine(_folder, "bundle"));

        // The link is cut as soon as the run reports progress: the run goes on on the box, and its result is
        // fetched once the link is back.
        var cut = 0;
        var observer = new RecordingObserver(onProgress: p =>
        {
            if (p.Phase == RunPhase.Running && p.RequestsTotal > 0 && Interlocked.Exchange(ref cut, -1) == 0)
            {
                Volatile.Write(ref cut, sshd.KillSessions());
            }
        });
        var settings = new CampaignSettings
        {
            Name = "remote",
            Reach = new AgentReach
            {
                BundleDirectory = bundle,
                ConfigureSsh = o => o with
                {
                    RemoteRoot = Path.Combine(_folder, "remote-root"),
                    KnownHostsFile = Path.Combine(_folder, "known_hosts"),
                    KeepAliveInterval = TimeSpan.FromSeconds(2),
                    ConnectTimeout = TimeSpan.FromSeconds(20),
                },
                ReconnectPolicy = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(2), MaxAttempts = 40 },
            },
        };
        using var harness = new CampaignHarness();

        var result = await harness.RunAsync(config, settings, observer, Ct);

        var outcome = Assert.Single(result.Outcomes);
        Assert.True(outcome.Kind == RunOutcomeKind.Completed, outcome.Reason);
        Assert.True(Volatile.Read(ref cut) > 0, "the SSH link was never cut");
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
}
