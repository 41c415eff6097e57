using System.Text.Json;
using GpuBench.Provisioning.Cache;
using GpuBench.Simulation.Profiles;
using GpuBench.Simulation.Profiles.HuggingFace;

namespace GpuBench.Controller.Commands;

/// <summary>
/// Finds the profile of a model to predict: from a config.json the user names, else models.yml (profiles with
/// measured checkpoint sizes), else the config.json of the model in the local Hugging Face cache.
/// </summary>
public static class ModelProfileResolver
{
    private const string IndexFile = "model.safetensors.index.json";

    /// <exception cref="ModelConfigException">No profile can be found or derived; the message says what was tried.</exception>
    public static ModelProfile Resolve(string model, string? configPath, string hfHome, string revision = "main")
    {
        if (configPath is not null)
        {
            return FromFile(model, configPath);
        }

        if (ModelCatalog.Default.Find(model) is { } known)
        {
            return known;
        }

        if (model.Contains('/', StringComparison.Ordinal) && CachedFiles.Find(hfHome, model, revision, "config.json") is { } cached)
        {
            return FromFile(model, cached);
        }

        throw new ModelConfigException(
            $"no profile for '{model}': not in models.yml (known: {string.Join(", ", ModelCatalog.Default.All.Select(m => m.Id))}) "
            + $"and no config.json for it at revision '{revision}' in the Hugging Face cache {hfHome}. "
            + "Pass --model-config PATH (the model's config.json, with model.safetensors.index.json beside it for the exact size).");
    }

    /// <summary>HF_HOME, else ~/.cache/huggingface, as huggingface_hub resolves it.</summary>
    public static string DefaultHfHome() =>
        Environment.GetEnvironmentVariable("HF_HOME") is { Length: > 0 } home
            ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface");

    private static ModelProfile FromFile(string model, string configPath)
    {
        if (!File.Exists(configPath))
        {
            throw new ModelConfigException($"{configPath}: no such file");
        }

        var index = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configPath))!, IndexFile);
        return HfProfileBuilder.Build(model, HfModelConfig.Load(configPath), File.Exists(index) ? IndexTotalBytes(index) : null).Profile;
    }

    /// <summary>metadata.total_size of a safetensors index: the bytes of every tensor in the checkpoint.</summary>
    private static long? IndexTotalBytes(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.TryGetProperty("metadata", out var metadata)
            && metadata.TryGetProperty("total_size", out var size) && size.TryGetInt64(out var bytes)
            ? bytes
            : null;
    }
}
