using System.Text.RegularExpressions;
using GpuBench.Reporting.Runs;

namespace GpuBench.Reporting.Import;

/// <summary>Reads GPU name, driver, CUDA version and CPU from a system-info file ("=== GPU INFORMATION ===" sections, nvidia-smi output, lscpu).</summary>
public static partial class SystemInfoText
{
    public static HardwareInfo Parse(string text)
    {
        // nvidia-smi --query-gpu=index,name,driver_version,... rows: "0, NVIDIA GeForce RTX 4090, 575.57.08, ..."
        var gpu = GpuRow().Match(text);
        var cuda = CudaVersion().Match(text);
        var cpu = CpuModel().Match(text);
        return new HardwareInfo(
            GpuName: gpu.Success ? gpu.Groups["name"].Value.Trim() : "",
            Driver: gpu.Success ? gpu.Groups["driver"].Value.Trim() : "",
            Cuda: cuda.Success ? cuda.Groups[1].Value : "",
            Cpu: cpu.Success ? cpu.Groups[1].Value.Trim() : "");
    }

    public static async Task<HardwareInfo> ReadAsync(string path, CancellationToken cancellationToken) =>
        File.Exists(path) ? Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)) : HardwareInfo.Unknown;

    [GeneratedRegex(@"^0, (?<name>[^,\r\n]+), (?<driver>[^,\r\n]+),", RegexOptions.Multiline)]
    private static partial Regex GpuRow();

    [GeneratedRegex(@"CUDA Version:\s*([0-9.]+)")]
    private static partial Regex CudaVersion();

    [GeneratedRegex(@"^Model name:\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex CpuModel();
}
