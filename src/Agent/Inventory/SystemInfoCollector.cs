using System.Globalization;
using System.Text;
using GpuBench.Agent.Processes;
using GpuBench.Core.Contracts;
using GpuBench.Core.Results;

namespace GpuBench.Agent.Inventory;

/// <summary>Asks the container engine for its version; null when there is none (process runtime boxes).</summary>
public interface IContainerEngineInfo
{
    Task<string?> GetVersionAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Collects what the article's system_info.txt recorded (OS, kernel, CPU, memory, GPUs, driver, CUDA, docker)
/// and renders it in the same sectioned layout, plus GpuBench's version.
/// </summary>
public sealed class SystemInfoCollector(
    GpuInventoryProvider inventory,
    ICommandRunner commands,
    IContainerEngineInfo containerEngine,
    TimeProvider time)
{
    public async Task<SystemInfoReport> CollectAsync(CancellationToken cancellationToken)
    {
        var gpus = await inventory.GetAsync(cancellationToken);
        var osRelease = ReadFile("/etc/os-release");
        var lscpu = await OutputOfAsync("lscpu", [], cancellationToken);
        var meminfo = ReadFile("/proc/meminfo");
        var gpuCsv = gpus.Simulated ? null : await OutputOfAsync(GpuInventoryProvider.NvidiaSmi,
            ["--query-gpu=index,name,driver_version,memory.total,compute_cap", "--format=csv"], cancellationToken);
        var nvidiaSmi = gpus.Simulated ? null : await OutputOfAsync(GpuInventoryProvider.NvidiaSmi, [], cancellationToken);
        var docker = await containerEngine.GetVersionAsync(cancellationToken);

        var info = new SystemInfo(
            CollectedAt: time.GetUtcNow(),
            Hostname: Environment.MachineName,
            OperatingSystem: PrettyName(osRelease) ?? Environment.OSVersion.VersionString,
            Kernel: ReadFile("/proc/sys/kernel/osrelease")?.Trim() ?? Environment.OSVersion.Version.ToString(),
            Cpu: CpuModel(lscpu, ReadFile("/proc/cpuinfo")) ?? "unknown",
            LogicalCpus: Environment.ProcessorCount,
            MemoryBytes: MemTotalBytes(meminfo) ?? 0,
            Gpus: gpus,
            DockerVersion: docker,
            GpuBenchVersion: GpuBenchVersion.Current);

        var text = new StringBuilder()
            .AppendLine("================================")
            .AppendLine("SYSTEM INFORMATION")
            .AppendLine(CultureInfo.InvariantCulture, $"Collected: {info.CollectedAt:u}")
            .AppendLine("================================");
        Section(text, "HOSTNAME", info.Hostname);
        Section(text, "OPERATING SYSTEM", osRelease ?? info.OperatingSystem);
        Section(text, "KERNEL VERSION", info.Kernel);
        Section(text, "CPU INFORMATION", lscpu ?? $"Model name: {info.Cpu}");
        Section(text, "CPU COUNT", $"Logical CPUs (threads): {info.LogicalCpus}");
        Section(text, "MEMORY INFORMATION", $"MemTotal: {info.MemoryBytes / (1024 * 1024)} MiB");
        Section(text, "GPU INFORMATION", gpuCsv ?? DescribeSimulated(gpus));
        if (nvidiaSmi is not null)
        {
            Section(text, "NVIDIA-SMI FULL OUTPUT", nvidiaSmi);
        }

        if (gpus.Links.Count > 0)
        {
            Section(text, "GPU TOPOLOGY", string.Join('\n', gpus.Links.Select(l => $"GPU{l.From} <-> GPU{l.To}: {l.Kind}")));
        }

        Section(text, "DOCKER VERSION", docker is null ? "not available" : $"Server Version: {docker}");
        Section(text, "GPUBENCH VERSION", info.GpuBenchVersion);
        text.AppendLine("================================");
        return new SystemInfoReport(info, text.ToString());
    }

    public static string? PrettyName(string? osRelease) =>
        osRelease?.Split('\n')
            .Where(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
            .Select(l => l["PRETTY_NAME=".Length..].Trim().Trim('"'))
            .FirstOrDefault();

    public static string? CpuModel(string? lscpu, string? cpuinfo) =>
        ValueAfter(lscpu, "Model name:") ?? ValueAfter(cpuinfo, "model name");

    public static long? MemTotalBytes(string? meminfo) =>
        ValueAfter(meminfo, "MemTotal:") is { } kb
        && long.TryParse(kb.Split(' ')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value * 1024
            : null;

    private static string DescribeSimulated(GpuInventory gpus) =>
        "SIMULATED (no nvidia-smi on this box)\n"
        + "index, name, driver_version, memory.total [MiB]\n"
        + string.Join('\n', gpus.Gpus.Select(g => $"{g.Index}, {g.Name}, simulated, {g.MemoryMib} MiB"));

    private static string? ValueAfter(string? text, string key) =>
        text?.Split('\n')
            .Where(l => l.StartsWith(key, StringComparison.OrdinalIgnoreCase))
            .Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())
            .FirstOrDefault();

    private static void Section(StringBuilder text, string title, string body) =>
        text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"=== {title} ===").AppendLine(body.TrimEnd());

    private async Task<string?> OutputOfAsync(string file, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await commands.RunAsync(file, arguments, cancellationToken);
        return result is { Succeeded: true } ? result.StandardOutput : null;
    }

    private static string? ReadFile(string path) => File.Exists(path) ? File.ReadAllText(path) : null;
}
