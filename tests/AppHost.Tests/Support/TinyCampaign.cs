using System.Globalization;

namespace GpuBench.AppHost.Tests.Support;

/// <summary>
/// A campaign small enough for a test on a shared 2-core machine: one simulated RTX 4090, one model, eight prompts,
/// every trace kept. Written to a temporary folder with its results beside it.
/// </summary>
internal sealed class TinyCampaign : IDisposable
{
    public const string Server = "sim-rtx4090";
    public const string Model = "qwen3-coder-30b";
    public const string ModelId = "QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ";
    public const string Workload = "tiny";
    public const int Prompts = 8;

    public TinyCampaign()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("gpubench-apphost-test-").FullName;
        ConfigPath = Path.Combine(Directory, "tiny.yml");
        File.WriteAllText(ConfigPath, string.Create(CultureInfo.InvariantCulture, $"""
            results_dir: results
            prices: {"{"} rtx4090: 0.39 {"}"}
            engine: {"{"} kind: sim, max_model_len: 4096 {"}"}
            telemetry: {"{"} trace_sampling_ratio: 1.0 {"}"}
            workloads:
              - {"{"} name: {Workload}, input_len: 32, output_len: 16, num_prompts: {Prompts}, max_concurrency: 4 {"}"}
            models:
              {Model}: {"{"} id: {ModelId}, weights_gb: 17 {"}"}
            servers:
              - name: {Server}
                local: true
                gpu: {"{"} type: rtx4090, count: 1 {"}"}
                models: [{Model}]
            """));
    }

    public string Directory { get; }

    public string ConfigPath { get; }

    public string ResultsDirectory => Path.Combine(Directory, "results");

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A child still closing a log file; the temporary folder is cleaned up by the OS.
        }
    }
}
