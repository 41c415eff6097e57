using GpuBench.Core.Config;

namespace GpuBench.Core.Tests.Config;

/// <summary>Loads config text the way `gpubench validate` loads config.yml, for assertions on its diagnostics.</summary>
internal static class ConfigText
{
    /// <summary>A complete, valid config; tests splice one mistake into a copy of it.</summary>
    public const string Valid = """
        prices:
          rtx4090: 0.39
        workloads:
          - name: smoke
            input_len: 200
            output_len: 100
            num_prompts: 64
        models:
          qwen:
            id: Qwen/Qwen3-8B
            weights_gb: 17
        servers:
          - name: box
            local: true
            gpu: { type: rtx4090, count: 4 }
            models: [qwen]
        """;

    public static ConfigLoadResult Load(string yaml, string? baseDirectory = null) =>
        ConfigLoader.Parse(yaml, "config.yml", baseDirectory ?? Path.GetTempPath());

    public static string[] Errors(string yaml, string? baseDirectory = null) =>
        Load(yaml, baseDirectory).Errors.Select(e => e.ToString()).ToArray();

    public static string[] Warnings(string yaml) => Load(yaml).Warnings.Select(e => e.ToString()).ToArray();
}
