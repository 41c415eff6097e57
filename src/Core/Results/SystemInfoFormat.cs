using System.Globalization;
using System.Text;
using GpuBench.Core.Contracts;

namespace GpuBench.Core.Results;

/// <summary>system-info.txt in the shape of the article's file (sections, nvidia-smi CSV rows, lscpu lines).</summary>
public static class SystemInfoFormat
{
    public static string Format(SystemInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine("=== SYSTEM INFORMATION ===");
        text.AppendLine(c, $"Collected: {info.CollectedAt:O}");
        text.AppendLine(c, $"Hostname: {info.Hostname}");
        text.AppendLine(c, $"OS: {info.OperatingSystem}");
        text.AppendLine(c, $"Kernel: {info.Kernel}");
        text.AppendLine(c, $"Docker: {info.DockerVersion ?? "none"}");
        text.AppendLine(c, $"GpuBench: {info.GpuBenchVersion}");
        text.AppendLine();
        text.AppendLine(c, $"=== GPU INFORMATION ==={(info.Gpus.Simulated ? " (simulated)" : "")}");
        text.AppendLine(c, $"Driver Version: {info.Gpus.DriverVersion ?? "n/a"}    CUDA Version: {info.Gpus.CudaVersion ?? "n/a"}");
        text.AppendLine("index, name, driver_version, memory.total [MiB], pci.bus_id, pcie.link.gen.current, pcie.link.width.current, power.limit [W]");
        foreach (var gpu in info.Gpus.Gpus)
        {
            text.AppendLine(c, $"{gpu.Index}, {gpu.Name}, {gpu.DriverVersion ?? info.Gpus.DriverVersion ?? "n/a"}, {gpu.MemoryMib}, {gpu.PciBusId ?? "n/a"}, {gpu.PcieGenCurrent?.ToString(c) ?? "n/a"}, {gpu.PcieWidth?.ToString(c) ?? "n/a"}, {gpu.PowerLimitWatts?.ToString(c) ?? "n/a"}");
        }

        if (info.Gpus.Links.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("=== GPU TOPOLOGY ===");
            foreach (var link in info.Gpus.Links)
            {
                text.AppendLine(c, $"GPU{link.From} <-> GPU{link.To}: {link.Kind}");
            }
        }

        text.AppendLine();
        text.AppendLine("=== CPU INFORMATION ===");
        text.AppendLine(c, $"Model name: {info.Cpu}");
        text.AppendLine(c, $"CPU(s): {info.LogicalCpus}");
        text.AppendLine(c, $"Memory: {info.MemoryBytes / (1024 * 1024)} MiB");
        if (info.Engine is { } engine)
        {
            text.AppendLine();
            text.AppendLine("=== ENGINE ===");
            text.AppendLine(c, $"Kind: {engine.Kind}{(engine.Simulated ? " (simulated)" : "")}");
            text.AppendLine(c, $"Image: {engine.Image ?? "n/a"}");
            text.AppendLine(c, $"Digest: {engine.ImageDigest ?? "n/a"}");
            text.AppendLine(c, $"Version: {engine.Version ?? "n/a"}");
        }

        return text.ToString();
    }
}
