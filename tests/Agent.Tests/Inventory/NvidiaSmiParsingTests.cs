using GpuBench.Agent.Inventory;
using GpuBench.Core.Hardware;
using GpuBench.TestSupport;

namespace GpuBench.Agent.Tests.Inventory;

public class NvidiaSmiParsingTests
{
    private static string H200(string file) => File.ReadAllText(Fixtures.PathOf("nvidia-smi", "h200x4", file));

    [Fact]
    public void Query_csv_of_four_h200s_gives_their_memory_pcie_power_and_catalog_type()
    {
        var gpus = GpuInventoryProvider.FromQueryCsv(H200("query-gpu.csv"), GpuCatalog.Default);

        Assert.Equal([0, 1, 2, 3], gpus.Select(g => g.Index));
        var gpu1 = gpus[1];
        Assert.Equal("NVIDIA H200", gpu1.Name);
        Assert.Equal("h200", gpu1.GpuType);
        Assert.Equal("GPU-b3632127-e2d0-c1a0-a833-2d1b7edf5a52", gpu1.Uuid);
        Assert.Equal(143771, gpu1.MemoryMib);
        Assert.Equal("580.159.04", gpu1.DriverVersion);
        Assert.Equal("9.0", gpu1.ComputeCapability);
        Assert.Equal("00000000:00:07.0", gpu1.PciBusId);
        Assert.Equal(5, gpu1.PcieGenCurrent);
        Assert.Equal(5, gpu1.PcieGenMax);
        Assert.Equal(16, gpu1.PcieWidth);
        Assert.Equal(700.0, gpu1.PowerLimitWatts);
    }

    [Fact]
    public void Query_csv_leaves_unreported_fields_empty_and_unknown_names_without_type()
    {
        const string csv = """
            index, name, uuid, memory.total [MiB], pcie.link.width.current, power.limit [W]
            0, NVIDIA Mystery 9000, GPU-1, 1024 MiB, [N/A], [Not Supported]
            """;

        var gpu = Assert.Single(GpuInventoryProvider.FromQueryCsv(csv, GpuCatalog.Default));

        Assert.Null(gpu.GpuType);
        Assert.Equal(1024, gpu.MemoryMib);
        Assert.Null(gpu.PcieWidth);
        Assert.Null(gpu.PowerLimitWatts);
    }

    [Fact]
    public void Topology_of_four_h200s_links_every_pair_by_18_nvlinks()
    {
        var links = NvidiaSmiTopology.Parse(H200("topo.txt"));

        Assert.Equal(6, links.Count);
        Assert.All(links, l => Assert.Equal("NV18", l.Kind));
        Assert.All(links, l => Assert.True(l.IsNvLink));
        Assert.Equal([(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)], links.Select(l => (l.From, l.To)));
    }

    [Fact]
    public void Topology_of_two_h200s_reads_the_nvlink_pair_despite_the_escape_codes_in_its_header()
    {
        var links = NvidiaSmiTopology.Parse(File.ReadAllText(Fixtures.PathOf("nvidia-smi", "h200x2-loaded", "topo.txt")));

        var link = Assert.Single(links);
        Assert.Equal((0, 1, "NV18"), (link.From, link.To, link.Kind));
    }

    [Fact]
    public void Topology_reads_pcie_links_and_skips_nic_rows()
    {
        const string topo = "\tGPU0\tGPU1\tNIC0\tCPU Affinity\tNUMA Affinity\n"
            + "GPU0\t X \tPHB\tSYS\t0-23\t0\n"
            + "GPU1\tPHB\t X \tSYS\t0-23\t0\n"
            + "NIC0\tSYS\tSYS\t X \n";

        var link = Assert.Single(NvidiaSmiTopology.Parse(topo));

        Assert.Equal(new(0, 1, "PHB"), link);
        Assert.False(link.IsNvLink);
    }

    [Fact]
    public void Cuda_version_comes_from_the_nvidia_smi_banner()
    {
        Assert.Equal("13.0", GpuInventoryProvider.CudaVersionOf(H200("nvidia-smi.txt")));
    }
}
