using GpuBench.Agent.Hosting;
using GpuBench.Agent.Inventory;
using GpuBench.Agent.Tests.Support;
using GpuBench.Core.Hardware;
using GpuBench.TestSupport;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Tests.Inventory;

public class GpuInventoryProviderTests
{
    private static string H200(string file) => File.ReadAllText(Fixtures.PathOf("nvidia-smi", "h200x4", file));

    private static readonly IOptions<AgentOptions> TwoSimulated4090s =
        Options.Create(new AgentOptions { SimulatedGpus = new() { Type = "rtx4090", Count = 2 } });

    [Fact]
    public async Task Inventory_of_a_gpu_box_comes_from_nvidia_smi_with_links_driver_and_cuda()
    {
        var commands = new RecordedCommands(new()
        {
            ["nvidia-smi --query-gpu="] = H200("query-gpu.csv"),
            ["nvidia-smi topo -m"] = H200("topo.txt"),
            ["nvidia-smi"] = H200("nvidia-smi.txt"),
        });
        var provider = new GpuInventoryProvider(commands, TwoSimulated4090s, GpuCatalog.Default);

        var inventory = await provider.GetAsync(TestContext.Current.CancellationToken);

        Assert.False(inventory.Simulated);
        Assert.Equal(4, inventory.Gpus.Count);
        Assert.Equal("580.159.04", inventory.DriverVersion);
        Assert.Equal("13.0", inventory.CudaVersion);
        Assert.Equal(6, inventory.Links.Count);
        Assert.Contains(commands.Calls, c => c.Contains("--format=csv", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_nvidia_smi_the_inventory_is_the_configured_simulated_gpus_and_says_so()
    {
        var provider = new GpuInventoryProvider(new RecordedCommands([]), TwoSimulated4090s, GpuCatalog.Default);

        var inventory = await provider.GetAsync(TestContext.Current.CancellationToken);

        Assert.True(inventory.Simulated);
        Assert.Equal(2, inventory.Gpus.Count);
        Assert.All(inventory.Gpus, g => Assert.Equal("rtx4090", g.GpuType));
        Assert.All(inventory.Gpus, g => Assert.Equal(24564, g.MemoryMib));
        Assert.Null(inventory.DriverVersion);
    }
}
