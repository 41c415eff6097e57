namespace GpuBench.Core.Config;

/// <summary>Which inference engine serves a deployment.</summary>
public enum EngineKind
{
    /// <summary>vLLM (`vllm serve`), normally through its Docker image.</summary>
    Vllm,

    /// <summary>GpuBench's simulator: vLLM's CLI and HTTP API over a GPU performance model. Needs no GPU.</summary>
    Sim,
}

/// <summary>The engine settings of one deployment: config.yml's `engine` block after overrides.</summary>
public sealed record EngineSettings
{
    public const string DefaultImage = "vllm/vllm-openai:v0.11.0";
    public const int DefaultMaxModelLen = 8192;
    public const string DefaultKvCacheDtype = "auto";
    public const double DefaultGpuMemoryUtilization = 0.9;

    public EngineKind Kind { get; init; } = EngineKind.Vllm;

    /// <summary>The engine image, pinned by tag or digest.</summary>
    public string Image { get; init; } = DefaultImage;

    public int MaxModelLen { get; init; } = DefaultMaxModelLen;

    /// <summary>vLLM's --kv-cache-dtype: auto, fp8, fp8_e4m3, fp8_e5m2.</summary>
    public string KvCacheDtype { get; init; } = DefaultKvCacheDtype;

    public double GpuMemoryUtilization { get; init; } = DefaultGpuMemoryUtilization;

    /// <summary>vLLM's --max-num-seqs; null leaves vLLM's default.</summary>
    public int? MaxNumSeqs { get; init; }

    /// <summary>Extra engine arguments, passed as separate argv entries, in order.</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];

    /// <summary>Extra environment variables for the engine process or container.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The program and leading arguments that serve a vLLM engine under the process runtime, as argv entries (never
    /// split by a shell); the engine's flags follow them. Null: the controller's default, `vllm serve` on the box's PATH.
    /// </summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>Applies overrides: scalars and command replace, extra_args are appended, env entries are merged (override wins).</summary>
    public EngineSettings With(EngineOverrides overrides)
    {
        var env = new Dictionary<string, string>(Env, StringComparer.Ordinal);
        foreach (var (key, value) in overrides.Env)
        {
            env[key] = value;
        }

        return this with
        {
            Kind = overrides.Kind ?? Kind,
            Image = overrides.Image ?? Image,
            MaxModelLen = overrides.MaxModelLen ?? MaxModelLen,
            KvCacheDtype = overrides.KvCacheDtype ?? KvCacheDtype,
            GpuMemoryUtilization = overrides.GpuMemoryUtilization ?? GpuMemoryUtilization,
            MaxNumSeqs = overrides.MaxNumSeqs ?? MaxNumSeqs,
            ExtraArgs = [.. ExtraArgs, .. overrides.ExtraArgs],
            Env = env,
            Command = overrides.Command ?? Command,
        };
    }

    /// <summary>Why <paramref name="image"/> is not pinned (no tag, or 'latest'); null when it is (a version tag or a digest).</summary>
    public static string? ImageProblem(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Contains("@sha256:", StringComparison.Ordinal))
        {
            return null;
        }

        var lastSegment = image[(image.LastIndexOf('/') + 1)..];
        var colon = lastSegment.IndexOf(':');
        if (colon < 0 || colon == lastSegment.Length - 1)
        {
            return $"\"{image}\" has no tag; pin one (e.g. {DefaultImage}) or a digest (@sha256:…) so runs are reproducible";
        }

        return lastSegment[(colon + 1)..] == "latest"
            ? $"\"{image}\" is not pinned: 'latest' changes under you; name a version tag (e.g. {DefaultImage}) or a digest"
            : null;
    }
}

/// <summary>An `engine` block under a model or a server: every key optional, see <see cref="EngineSettings.With"/>.</summary>
public sealed record EngineOverrides
{
    public static EngineOverrides None { get; } = new();

    public EngineKind? Kind { get; init; }

    public string? Image { get; init; }

    public int? MaxModelLen { get; init; }

    public string? KvCacheDtype { get; init; }

    public double? GpuMemoryUtilization { get; init; }

    public int? MaxNumSeqs { get; init; }

    public IReadOnlyList<string> ExtraArgs { get; init; } = [];

    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string>? Command { get; init; }
}
