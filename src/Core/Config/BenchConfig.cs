namespace GpuBench.Core.Config;

/// <summary>A whole campaign as described by config.yml, after validation. Paths are absolute.</summary>
public sealed record BenchConfig
{
    /// <summary>The config file this was read from, as the user named it (used in messages).</summary>
    public required string SourceName { get; init; }

    /// <summary>Where results/&lt;campaign&gt;/... are written, resolved against the config file's folder.</summary>
    public required string ResultsDir { get; init; }

    /// <summary>$ per GPU-hour by GPU type. A type without a price is reported as "no price", never $0.</summary>
    public required IReadOnlyDictionary<string, decimal> Prices { get; init; }

    public required EngineSettings Engine { get; init; }

    public required IReadOnlyList<WorkloadSpec> Workloads { get; init; }

    /// <summary>The models, in the order config.yml lists them; each is known by its short <see cref="ModelSpec.Name"/>.</summary>
    public required IReadOnlyList<ModelSpec> Models { get; init; }

    public required IReadOnlyList<ServerSpec> Servers { get; init; }

    public required SecretsSettings Secrets { get; init; }

    public required TelemetrySettings Telemetry { get; init; }

    public ModelSpec Model(string name) => Models.First(m => m.Name == name);

    public WorkloadSpec Workload(string name) => Workloads.First(w => w.Name == name);

    /// <summary>The price of one GPU-hour of this type, or null when config.yml has none.</summary>
    public decimal? PriceOf(string gpuType) => Prices.TryGetValue(gpuType, out var price) ? price : null;

    /// <summary>
    /// The engine settings a deployment of <paramref name="model"/> on <paramref name="server"/> gets:
    /// the defaults, then the model's overrides, then the server's (the box has the last word).
    /// </summary>
    public EngineSettings EngineFor(ServerSpec server, ModelSpec model) =>
        Engine.With(model.Engine).With(server.Engine);
}

/// <summary>Where secrets come from. The values themselves never appear in config.yml.</summary>
public sealed record SecretsSettings(string HfTokenEnv)
{
    public const string DefaultHfTokenEnv = "HF_TOKEN";

    /// <summary>The Hugging Face token from the environment, or null when the variable is not set.</summary>
    public string? ReadHfToken() => Environment.GetEnvironmentVariable(HfTokenEnv) is { Length: > 0 } token ? token : null;
}

/// <summary>How much of the benchmark traffic is traced end to end.</summary>
public sealed record TelemetrySettings(double TraceSamplingRatio)
{
    /// <summary>
    /// One request in ten: enough traces to see every phase of a run in the dashboard, while at 400 concurrent
    /// streams the exporter does not compete with the load generator for CPU.
    /// </summary>
    public const double DefaultTraceSamplingRatio = 0.1;
}
