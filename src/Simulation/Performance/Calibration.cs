namespace GpuBench.Simulation.Performance;

/// <summary>Efficiency constants of the performance model, read from the embedded calibration.yml.</summary>
public sealed record Calibration
{
    public Dictionary<string, ArchitectureEfficiency> Architectures { get; init; } = [];
    public double StepOverheadMs { get; init; }
    public double SequenceOverheadUs { get; init; }
    public double ReservedGib { get; init; }

    /// <summary>Paged-attention KV reads reach this fraction of the weight-streaming bandwidth.</summary>
    public double AttentionMemoryFactor { get; init; } = 1;

    /// <summary>How much more slowly than uniform routing a batch's tokens cover the experts (1 = uniform).</summary>
    public double MoeRoutingSpread { get; init; } = 1;

    /// <summary>Fixed cost of one MoE layer per micro-batch: routing, token sorting, the grouped-GEMM launches.</summary>
    public double MoeLayerOverheadUs { get; init; }
    public double ActivationHiddenMultiple { get; init; }
    public double PcieEfficiency { get; init; }
    public double PcieHopUs { get; init; }
    public double PcieCollectiveUs { get; init; }
    public double NvlinkEfficiency { get; init; }
    public double NvlinkHopUs { get; init; }
    public double NvlinkCollectiveUs { get; init; }

    public static Calibration Default { get; } = Profiles.YamlResource.Load<Calibration>("calibration.yml");

    public ArchitectureEfficiency For(string architecture) =>
        Architectures.TryGetValue(architecture, out var efficiency)
            ? efficiency
            : throw new KeyNotFoundException(
                $"No efficiency constants for GPU architecture '{architecture}'. "
                + $"Known: {string.Join(", ", Architectures.Keys)} (src/Simulation/Performance/calibration.yml).");
}

/// <summary>Fractions of peak memory bandwidth and tensor throughput that serving kernels reach on one architecture.</summary>
public sealed record ArchitectureEfficiency
{
    public double MemoryEfficiency { get; init; }
    public double ComputeEfficiency { get; init; }
}
