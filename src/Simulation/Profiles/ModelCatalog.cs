using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace GpuBench.Simulation.Profiles;

/// <summary>The models the simulator knows, read from the embedded models.yml.</summary>
public sealed class ModelCatalog
{
    private readonly List<ModelProfile> _profiles;

    public ModelCatalog(IEnumerable<ModelProfile> profiles)
    {
        _profiles = profiles.ToList();
    }

    public static ModelCatalog Default { get; } = new(YamlResource.Load<List<ModelProfile>>("models.yml"));

    public IReadOnlyList<ModelProfile> All => _profiles;

    /// <summary>
    /// Finds a model by id, alias, or a local path ending in the id ("/hf_models/QuantTrio/Qwen3-..."), as vLLM's
    /// --model receives it. Case-insensitive.
    /// </summary>
    public ModelProfile? Find(string name)
    {
        var trimmed = name.Trim().TrimEnd('/');
        return _profiles.FirstOrDefault(p => Matches(p.Id, trimmed) || p.Aliases.Any(a => Matches(a, trimmed)));
    }

    public ModelProfile Get(string name) =>
        Find(name) ?? throw new KeyNotFoundException(
            $"Unknown model '{name}'. Known: {string.Join(", ", _profiles.Select(p => p.Id))}. "
            + "Add a profile to src/Simulation/Profiles/models.yml.");

    private static bool Matches(string known, string name) =>
        string.Equals(known, name, StringComparison.OrdinalIgnoreCase)
        || name.EndsWith("/" + known, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Reads the YAML data files embedded in this assembly.</summary>
internal static class YamlResource
{
    public static T Load<T>(string fileName)
    {
        var resource = $"GpuBench.Simulation.{fileName}";
        using var stream = typeof(YamlResource).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{fileName} is not embedded in GpuBench.Simulation.");
        using var reader = new StreamReader(stream);
        return new DeserializerBuilder()
            .WithNamingConvention(UnderscoredNamingConvention.Instance)
            .Build()
            .Deserialize<T>(reader);
    }
}
