using System.Text.RegularExpressions;
using GpuBench.Agent.Hosting;
using GpuBench.Agent.Processes;
using GpuBench.Core.Contracts;
using GpuBench.Core.Hardware;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Inventory;

/// <summary>
/// The box's GPUs: from nvidia-smi when it is there, else the configured simulated GPUs (flagged simulated, so
/// no result can pass simulated figures off as real ones). An nvidia-smi that is there but fails (a driver that does
/// not answer) is a <see cref="GpuInventoryException"/>: a real box is never silently taken for a simulated one.
/// </summary>
public sealed partial class GpuInventoryProvider(ICommandRunner commands, IOptions<AgentOptions> options, GpuCatalog catalog)
{
    public const string NvidiaSmi = "nvidia-smi";

    /// <summary>The fields asked of nvidia-smi, in the order of the CSV it returns.</summary>
    public static readonly string[] QueryFields =
    [
        "index", "name", "uuid", "driver_version", "memory.total", "compute_cap", "pci.bus_id",
        "pcie.link.gen.current", "pcie.link.gen.max", "pcie.link.width.current", "power.limit",
    ];

    public async Task<GpuInventory> GetAsync(CancellationToken cancellationToken)
    {
        var query = await commands.RunAsync(
            NvidiaSmi, [$"--query-gpu={string.Join(',', QueryFields)}", "--format=csv"], cancellationToken);
        if (query is null)
        {
            return Simulated();
        }

        if (!query.Succeeded)
        {
            throw new GpuInventoryException(
                $"nvidia-smi is installed but failed (exit code {query.ExitCode}): {(query.StandardError + query.StandardOutput).Trim()}. " +
                "The box's GPUs cannot be read: fix the NVIDIA driver, or take nvidia-smi off the agent's PATH to run on simulated GPUs.");
        }

        var gpus = FromQueryCsv(query.StandardOutput, catalog);
        var topology = await commands.RunAsync(NvidiaSmi, ["topo", "-m"], cancellationToken);
        var summary = await commands.RunAsync(NvidiaSmi, [], cancellationToken);
        return new GpuInventory(
            Simulated: false,
            DriverVersion: gpus.Select(g => g.DriverVersion).FirstOrDefault(v => v is not null),
            CudaVersion: summary is { Succeeded: true } ? CudaVersionOf(summary.StandardOutput) : null,
            Gpus: gpus,
            Links: topology is { Succeeded: true } ? NvidiaSmiTopology.Parse(topology.StandardOutput) : []);
    }

    public static IReadOnlyList<GpuDevice> FromQueryCsv(string csv, GpuCatalog catalog) =>
        NvidiaSmiCsv.Parse(csv)
            .Select(row =>
            {
                var name = row.Text("name") ?? "unknown";
                return new GpuDevice(
                    Index: row.Integer("index") ?? 0,
                    Name: name,
                    GpuType: catalog.FindByNvidiaSmiName(name)?.Id,
                    Uuid: row.Text("uuid") ?? "",
                    MemoryMib: (long)(row.Number("memory.total") ?? 0),
                    DriverVersion: row.Text("driver_version"),
                    ComputeCapability: row.Text("compute_cap"),
                    PciBusId: row.Text("pci.bus_id"),
                    PcieGenCurrent: row.Integer("pcie.link.gen.current"),
                    PcieGenMax: row.Integer("pcie.link.gen.max"),
                    PcieWidth: row.Integer("pcie.link.width.current"),
                    PowerLimitWatts: row.Number("power.limit"));
            })
            .ToArray();

    /// <summary>"CUDA Version: 13.0" from the banner of plain `nvidia-smi`.</summary>
    public static string? CudaVersionOf(string nvidiaSmiOutput) =>
        CudaVersion().Match(nvidiaSmiOutput) is { Success: true } match ? match.Groups[1].Value : null;

    private GpuInventory Simulated()
    {
        var simulated = options.Value.SimulatedGpus;
        var profile = catalog.Get(simulated.Type);
        var gpus = Enumerable.Range(0, simulated.Count)
            .Select(i => new GpuDevice(i, profile.Name, profile.Id, $"SIM-{profile.Id}-{i}", profile.VramMib,
                null, null, null, null, null, null, null))
            .ToArray();
        return new GpuInventory(Simulated: true, DriverVersion: null, CudaVersion: null, gpus, []);
    }

    [GeneratedRegex(@"CUDA Version:\s*([0-9.]+)")]
    private static partial Regex CudaVersion();
}

/// <summary>The box has nvidia-smi but it cannot tell the GPUs (see the message).</summary>
public sealed class GpuInventoryException(string message) : Exception(message);
