using GpuBench.Simulation.Engine;

namespace GpuBench.Simulator.Cli;

/// <summary>What the simulator was asked to serve, parsed from `vllm serve` flags plus its own.</summary>
public sealed record SimulatorOptions
{
    public const string GpuVariable = "GPUBENCH_SIM_GPU";
    public const string GpuCountVariable = "GPUBENCH_SIM_GPU_COUNT";

    public string Model { get; init; } = "meta-llama/Llama-3.1-8B-Instruct";

    /// <summary>Names clients may use; the first is reported. Defaults to the model.</summary>
    public IReadOnlyList<string> ServedModelNames { get; init; } = [];

    public string Host { get; init; } = "0.0.0.0";
    public int Port { get; init; } = 8000;
    public EngineOptions Engine { get; init; } = new();
    public string Gpu { get; init; } = "rtx4090";

    /// <summary>vLLM's --data-parallel-size: engine replicas behind this one server.</summary>
    public int DataParallel { get; init; } = 1;

    /// <summary>GPUs visible to this engine; defaults to data × tensor × pipeline parallel.</summary>
    public int? GpuCount { get; init; }

    public string? OtlpTracesEndpoint { get; init; }

    /// <summary>JSON-lines file receiving, per request, when each chunk was scheduled and written.</summary>
    public string? GroundTruthLog { get; init; }

    /// <summary>Mean length of a completion that stops on its own (end-of-sequence) when ignore_eos is off.</summary>
    public int EosMeanTokens { get; init; } = 256;

    public IReadOnlyList<string> Warnings { get; init; } = [];

    public string PrimaryModelName => ServedModelNames.Count > 0 ? ServedModelNames[0] : Model;

    public bool Serves(string? name) =>
        name is null || string.Equals(name, PrimaryModelName, StringComparison.Ordinal)
        || ServedModelNames.Contains(name) || string.Equals(name, Model, StringComparison.Ordinal);
}
