using System.Collections.Concurrent;
using GpuBench.Controller.Campaigns;
using GpuBench.Controller.Cli;
using GpuBench.Core.Config;
using GpuBench.Core.Hardware;
using GpuBench.Core.Planning;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Testing;

namespace GpuBench.Controller.Tests.Campaigns;

/// <summary>A campaign run in-process with the services `gpubench` uses, against real agents.</summary>
internal sealed class CampaignHarness : IDisposable
{
    private readonly ServiceProvider _services;

    /// <param name="configure">Changes to `gpubench`'s services, e.g. a handler that breaks the agent's calls on cue.</param>
    public CampaignHarness(Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection().AddGpuBenchCli(new TestConsole());
        configure?.Invoke(services);
        _services = services.BuildServiceProvider();
    }

    public CampaignRunner Runner => _services.GetRequiredService<CampaignRunner>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public static BenchConfig Load(string configPath)
    {
        var loaded = ConfigLoader.Load(configPath);
        Assert.True(loaded.IsValid, string.Join('\n', loaded.Errors));
        return loaded.Config!;
    }

    public Task<CampaignResult> RunAsync(BenchConfig config, CampaignSettings settings, ICampaignObserver observer, CancellationToken cancellationToken) =>
        Runner.RunAsync(config, new RunPlanner(GpuCatalog.Default).Plan(config), settings, observer, cancellationToken);

    public void Dispose() => _services.Dispose();
}

/// <summary>Records what a campaign reports, and lets a test act on it (cancel, cut a link) as it happens.</summary>
internal sealed class RecordingObserver(Action<ServerProgress>? onProgress = null, Action<RunOutcome>? onOutcome = null) : ICampaignObserver
{
    public ConcurrentQueue<ServerProgress> Progress { get; } = new();

    public ConcurrentQueue<RunOutcome> Outcomes { get; } = new();

    public void OnProgress(ServerProgress progress)
    {
        Progress.Enqueue(progress);
        onProgress?.Invoke(progress);
    }

    public void OnOutcome(RunOutcome outcome)
    {
        Outcomes.Enqueue(outcome);
        onOutcome?.Invoke(outcome);
    }
}

/// <summary>Small simulated campaigns: tiny workloads, so a run takes seconds on a loaded machine.</summary>
internal static class TestCampaigns
{
    public const string Model = "QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ";

    public static string Workloads(int count, int prompts = 8, int outputLen = 8, string requestRate = "inf") => string.Join('\n', Enumerable.Range(1, count).Select(i => $"""
          - name: tiny{i}
            input_len: 16
            output_len: {outputLen}
            num_prompts: {prompts}
            max_concurrency: 4
            request_rate: {requestRate}
            seed: {i}
        """));

    /// <summary>A config.yml in a fresh folder (results go next to it); returns its path.</summary>
    public static string Write(string yaml)
    {
        var folder = Directory.CreateTempSubdirectory("gpubench-campaign-").FullName;
        var path = Path.Combine(folder, "config.yml");
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>A config.yml of one local server of simulated RTX 4090s, in a fresh folder (results go next to it); returns its path.</summary>
    public static string WriteSimulated(string workloads, string models, string serverModels, int gpus = 1, string extra = "") => Write($$"""
        results_dir: results
        prices:
          rtx4090: 0.39
        engine:
          kind: sim
          max_model_len: 4096
        workloads:
        {{workloads}}
        models:
        {{models}}
        servers:
          - name: sim-4090
            local: true
            gpu: { type: rtx4090, count: {{gpus}} }
            models: {{serverModels}}
        {{extra}}
        """);

    /// <summary>Every file under the folder, relative, sorted.</summary>
    public static string[] Files(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal)];
}
