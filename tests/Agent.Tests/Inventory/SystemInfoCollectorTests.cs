using GpuBench.Agent.Hosting;
using GpuBench.Agent.Inventory;
using GpuBench.Agent.Tests.Support;
using GpuBench.Core.Hardware;
using GpuBench.Core.Results;
using GpuBench.TestSupport;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Tests.Inventory;

public class SystemInfoCollectorTests
{
    private sealed class FixedDockerVersion(string? version) : IContainerEngineInfo
    {
        public Task<string?> GetVersionAsync(CancellationToken cancellationToken) => Task.FromResult(version);
    }

    [Fact]
    public async Task System_info_records_gpus_driver_cuda_docker_and_gpubench_version_in_article_sections()
    {
        var h200 = (string file) => File.ReadAllText(Fixtures.PathOf("nvidia-smi", "h200x4", file));
        var commands = new RecordedCommands(new()
        {
            ["nvidia-smi --query-gpu=index,name,uuid"] = h200("query-gpu.csv"),
            ["nvidia-smi --query-gpu=index,name,driver_version"] = "index, name, driver_version\n0, NVIDIA H200, 580.159.04\n",
            ["nvidia-smi topo -m"] = h200("topo.txt"),
            ["nvidia-smi"] = h200("nvidia-smi.txt"),
            ["lscpu"] = "Architecture: x86_64\nModel name:   AMD EPYC 9654 96-Core Processor\n",
        });
        var collector = new SystemInfoCollector(
            new GpuInventoryProvider(commands, Options.Create(new AgentOptions()), GpuCatalog.Default),
            commands, new FixedDockerVersion("28.5.0"), TimeProvider.System);

        var report = await collector.CollectAsync(TestContext.Current.CancellationToken);

        Assert.Equal("AMD EPYC 9654 96-Core Processor", report.Info.Cpu);
        Assert.Equal("28.5.0", report.Info.DockerVersion);
        Assert.Equal("13.0", report.Info.Gpus.CudaVersion);
        // The same version every result records, so a run's system_info and its results cannot disagree.
        Assert.Equal(GpuBenchVersion.Current, report.Info.GpuBenchVersion);
        Assert.Contains($"=== GPUBENCH VERSION ===\n{GpuBenchVersion.Current}", report.Text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.True(report.Info.MemoryBytes > 0);
        foreach (var section in new[] { "=== KERNEL VERSION ===", "=== GPU INFORMATION ===", "=== NVIDIA-SMI FULL OUTPUT ===",
                     "=== DOCKER VERSION ===", "=== GPUBENCH VERSION ===", "GPU0 <-> GPU1: NV18", "CUDA Version: 13.0" })
        {
            Assert.Contains(section, report.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Os_release_cpu_and_memory_are_read_from_their_proc_formats()
    {
        Assert.Equal("Ubuntu 22.04.5 LTS", SystemInfoCollector.PrettyName("NAME=\"Ubuntu\"\nPRETTY_NAME=\"Ubuntu 22.04.5 LTS\"\n"));
        Assert.Equal("Intel(R) Xeon(R) Gold 5420+", SystemInfoCollector.CpuModel(null, "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Gold 5420+\n"));
        Assert.Equal(329_000_000L * 1024, SystemInfoCollector.MemTotalBytes("MemTotal:       329000000 kB\nMemFree: 1 kB\n"));
    }
}
