using GpuBench.Core.Hardware;

namespace GpuBench.Core.Tests.Hardware;

public class GpuCatalogTests
{
    [Theory]
    [InlineData("rtx4090", 24564)]
    [InlineData("pro6000", 97887)]
    [InlineData("h200", 143771)]
    public void Embedded_catalog_holds_the_vram_nvidia_smi_reports(string id, long vramMib)
    {
        Assert.Equal(vramMib, GpuCatalog.Default.Get(id).VramMib);
    }

    [Fact]
    public void Nvidia_smi_names_resolve_to_catalog_types()
    {
        Assert.Equal("pro6000", GpuCatalog.Default.FindByNvidiaSmiName("NVIDIA RTX PRO 6000 Blackwell Workstation Edition")?.Id);
        Assert.Null(GpuCatalog.Default.FindByNvidiaSmiName("NVIDIA GeForce GTX 1080"));
    }
}
