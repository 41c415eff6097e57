using GpuBench.Core.Config;
using GpuBench.Core.Hardware;
using GpuBench.Core.Planning;

namespace GpuBench.Core.Tests.Results;

/// <summary>A small simulated config and its first planned run, for the results folder's tests.</summary>
internal static class TestRuns
{
    public const string Model = "QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ";

    public static (BenchConfig Config, PlannedRun Run) Plan(string folder)
    {
        var config = Load($$"""
            results_dir: results
            prices: { rtx4090: 0.39, h100: 2.5 }
            engine: { kind: sim, env: { K: "$(x) 'y'" } }
            workloads:
              - { name: tiny1, input_len: 16, output_len: 8, num_prompts: 8, max_concurrency: 4, seed: 1 }
              - { name: tiny2, input_len: 16, output_len: 8, num_prompts: 8, max_concurrency: 4, seed: 2 }
            models:
              qwen: { id: {{Model}}, weights_gb: 17, revision: v1 }
              other: { id: other/model, weights_gb: 17 }
            servers:
              - name: sim-4090
                local: true
                gpu: { type: rtx4090, count: 2 }
                models: [qwen, other]
            """, folder);
        return (config, new RunPlanner(GpuCatalog.Default).Plan(config).Runs[0]);
    }

    public static BenchConfig Load(string yaml, string folder)
    {
        var loaded = ConfigLoader.Parse(yaml, "config.yml", folder);
        Assert.True(loaded.IsValid, string.Join('\n', loaded.Errors));
        return loaded.Config!;
    }

    /// <summary>Every file under the folder, relative, sorted.</summary>
    public static string[] Files(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal)];
}
