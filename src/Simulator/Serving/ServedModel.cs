using GpuBench.Core.Hardware;
using GpuBench.Simulation.Engine;
using GpuBench.Simulation.Performance;
using GpuBench.Simulation.Profiles;
using GpuBench.Simulator.Cli;
using GpuBench.Simulation.Tokenization;

namespace GpuBench.Simulator.Serving;

/// <summary>The model this simulator serves: its profile on the simulated GPUs, settings, tokenizer and text.</summary>
public sealed class ServedModel
{
    public ServedModel(SimulatorOptions options, GpuCatalog gpus, ModelCatalog models)
    {
        Options = options;
        Gpu = gpus.Get(options.Gpu);
        var known = models.Find(options.Model);
        ProfileIsExact = known is not null;
        // An unknown model still serves, with the dense 8B profile's speed: the warning says so at start-up.
        Profile = known ?? models.Get("meta-llama/Llama-3.1-8B-Instruct");
        Settings = options.Engine.Resolve(Gpu, Profile);
        var needed = Settings.GpusPerReplica * options.DataParallel;
        var visible = options.GpuCount ?? needed;
        if (options.DataParallel < 1 || needed > visible)
        {
            throw new ArgumentException(
                $"data_parallel_size ({options.DataParallel}) x tensor_parallel_size ({Settings.TensorParallel}) x "
                + $"pipeline_parallel_size ({Settings.PipelineParallel}) needs {needed} GPUs but --sim-gpu-count is {visible}.");
        }

        Replica = new ReplicaModel(Gpu, Profile, Settings);
        Tokenizer = new SyllableTokenizer(Profile.VocabSize);
        // Generated tokens come from the common words: their JSON strings are encoded once, not per chunk.
        _jsonWords = Enumerable.Range(SyllableTokenizer.FirstCommonWord, SyllableTokenizer.CommonWords)
            .Select(id => System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(Tokenizer.Decode(id))))
            .ToArray();
    }

    private readonly byte[][] _jsonWords;

    /// <summary>The generated token at a position as a JSON string literal, quotes included.</summary>
    public ReadOnlySpan<byte> JsonTokenAt(int seed, int index) => _jsonWords[TokenAt(seed, index) - SyllableTokenizer.FirstCommonWord];

    public SimulatorOptions Options { get; }
    public GpuProfile Gpu { get; }
    public ModelProfile Profile { get; }
    public bool ProfileIsExact { get; }
    public VllmSettings Settings { get; }
    public ReplicaModel Replica { get; }
    public SyllableTokenizer Tokenizer { get; }
    public string Name => Options.PrimaryModelName;

    /// <summary>Where a completion would end on its own: deterministic per prompt, uniform around the mean.</summary>
    public int? StopAfter(int seed, bool ignoreEos, int minTokens) =>
        ignoreEos ? null : Math.Max(minTokens, 1 + (int)((uint)Mix(seed, -1) % (uint)(2 * Options.EosMeanTokens)));

    /// <summary>The id of the generated token at a position: deterministic per prompt.</summary>
    public int TokenAt(int seed, int index) =>
        SyllableTokenizer.FirstCommonWord + (int)((uint)Mix(seed, index) % (uint)SyllableTokenizer.CommonWords);

    /// <summary>FNV-1a over the prompt ids: stable across processes, unlike HashCode.</summary>
    public static int SeedOf(IReadOnlyList<int> promptIds)
    {
        var hash = 2166136261u;
        foreach (var id in promptIds)
        {
            hash = (hash ^ (uint)id) * 16777619u;
        }

        return (int)hash;
    }

    private static int Mix(int seed, int index)
    {
        // SplitMix-style finalizer: HashCode is randomized per process, this is stable across runs.
        var z = (ulong)(uint)seed << 32 | (uint)index;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return (int)(z ^ (z >> 31));
    }
}
