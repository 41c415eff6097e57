using System.Net.Http.Json;
using System.Text.Json;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Planning;
using GpuBench.TestSupport;

namespace GpuBench.Agent.Tests.Support;

/// <summary>Simulated deployments and small runs for the integration tests.</summary>
internal static class Deployments
{
    public const string Model = "QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ";
    public const string HfToken = "hf_integrationSECRET_9c1d7e";

    public static DeploymentRequest Simulated(int replicas, RuntimeKind runtime, string? image = null, string[]? extraArgs = null) => new()
    {
        Campaign = "agent-tests",
        Run = $"sim-{replicas}x1",
        Runtime = runtime,
        Layout = Layout.Consecutive(replicas, 1, 1),
        Engine = new EngineLaunch
        {
            Model = Model,
            Command = [BuiltProjects.DotNet, BuiltProjects.Simulator],
            Settings = new EngineSettings
            {
                Kind = EngineKind.Sim,
                Image = image ?? EngineSettings.DefaultImage,
                MaxModelLen = 4096,
                ExtraArgs = extraArgs ?? [],
            },
        },
        HuggingFaceToken = HfToken,
        ReadyTimeout = TimeSpan.FromMinutes(2),
    };

    public static WorkloadSpec SmallWorkload => new()
    {
        Name = "tiny",
        InputLen = 32,
        OutputLen = 16,
        NumPrompts = 12,
        MaxConcurrency = 4,
        Endpoint = "/v1/chat/completions",
    };

    /// <summary>Starts a run, follows its NDJSON progress to the end, and returns the stored result.</summary>
    public static async Task<(RunResult Result, IReadOnlyList<RunProgress> Progress)> RunAsync(
        AgentProcess agent, string deploymentId, CancellationToken cancellationToken)
    {
        var runId = await StartRunAsync(agent, deploymentId, cancellationToken);
        var progress = await FollowAsync(agent, runId, cancellationToken);
        var result = await agent.Client.GetFromJsonAsync<RunResult>($"/runs/{runId}", ContractJson.Options, cancellationToken);
        return (result!, progress);
    }

    public static async Task<string> StartRunAsync(AgentProcess agent, string deploymentId, CancellationToken cancellationToken, WorkloadSpec? workload = null)
    {
        using var started = await agent.Client.PostAsJsonAsync("/runs", new RunRequest(deploymentId, workload ?? SmallWorkload), ContractJson.Options, cancellationToken);
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync(cancellationToken));
        return (await started.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("runId").GetString()!;
    }

    /// <summary>The run's NDJSON progress, to its end (empty lines are the feed's heartbeats).</summary>
    public static async Task<IReadOnlyList<RunProgress>> FollowAsync(AgentProcess agent, string runId, CancellationToken cancellationToken)
    {
        var progress = new List<RunProgress>();
        using var stream = await agent.Client.GetAsync($"/runs/{runId}/progress", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (stream.IsSuccessStatusCode)
        {
            using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Length > 0)
                {
                    progress.Add(JsonSerializer.Deserialize<RunProgress>(line, ContractJson.Options)!);
                }
            }
        }

        return progress;
    }

    /// <summary>Every file under a directory, as text.</summary>
    public static IEnumerable<(string Path, string Text)> Files(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Select(p => (p, File.ReadAllText(p)))
            : [];
}
