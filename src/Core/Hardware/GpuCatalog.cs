using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace GpuBench.Core.Hardware;

/// <summary>The GPU types GpuBench knows, read once from the embedded gpus.yml.</summary>
public sealed class GpuCatalog
{
    private readonly Dictionary<string, GpuProfile> _byId;

    public GpuCatalog(IEnumerable<GpuProfile> profiles)
    {
        _byId = profiles.ToDictionary(p => p.Id, StringComparer.Ordinal);
    }

    public static GpuCatalog Default { get; } = LoadEmbedded();

    public IReadOnlyCollection<GpuProfile> All => _byId.Values;

    public IEnumerable<string> Ids => _byId.Keys;

    public bool TryGet(string id, out GpuProfile profile) => _byId.TryGetValue(id, out profile!);

    public GpuProfile Get(string id) =>
        _byId.TryGetValue(id, out var profile)
            ? profile
            : throw new KeyNotFoundException($"Unknown GPU type '{id}'. Known: {string.Join(", ", _byId.Keys)}.");

    /// <summary>Finds the profile whose nvidia-smi name matches, e.g. "NVIDIA GeForce RTX 4090".</summary>
    public GpuProfile? FindByNvidiaSmiName(string name) =>
        _byId.Values.FirstOrDefault(p => p.NvidiaSmiNames.Contains(name.Trim(), StringComparer.OrdinalIgnoreCase));

    private static GpuCatalog LoadEmbedded()
    {
        using var stream = typeof(GpuCatalog).Assembly.GetManifestResourceStream("GpuBench.Core.Hardware.gpus.yml")
            ?? throw new InvalidOperationException("gpus.yml is not embedded in GpuBench.Core.");
        using var reader = new StreamReader(stream);
        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(UnderscoredNamingConvention.Instance)
            .Build();
        return new GpuCatalog(deserializer.Deserialize<List<GpuProfile>>(reader));
    }
}
