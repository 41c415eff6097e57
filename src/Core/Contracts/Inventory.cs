namespace GpuBench.Core.Contracts;

/// <summary>The GPUs of one box, as nvidia-smi reports them or, without GPUs, as configured for simulation.</summary>
public sealed record GpuInventory(
    bool Simulated,
    string? DriverVersion,
    string? CudaVersion,
    IReadOnlyList<GpuDevice> Gpus,
    IReadOnlyList<GpuLink> Links);

/// <summary>One GPU. <see cref="GpuType"/> is the catalog id (gpus.yml) when the name is known, else null.</summary>
public sealed record GpuDevice(
    int Index,
    string Name,
    string? GpuType,
    string Uuid,
    long MemoryMib,
    string? DriverVersion,
    string? ComputeCapability,
    string? PciBusId,
    int? PcieGenCurrent,
    int? PcieGenMax,
    int? PcieWidth,
    double? PowerLimitWatts);

/// <summary>How two GPUs talk, in `nvidia-smi topo -m` terms: "NV18" (18 bonded NVLinks), "PIX", "PHB", "SYS"…</summary>
public sealed record GpuLink(int From, int To, string Kind)
{
    public bool IsNvLink => Kind.StartsWith("NV", StringComparison.Ordinal);
}
