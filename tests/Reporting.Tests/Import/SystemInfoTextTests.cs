using GpuBench.Reporting.Import;
using GpuBench.Reporting.Runs;
using GpuBench.TestSupport;

namespace GpuBench.Reporting.Tests.Import;

public class SystemInfoTextTests
{
    [Fact]
    public async Task Reads_gpu_driver_cuda_and_cpu_from_the_article_system_info()
    {
        var info = await SystemInfoText.ReadAsync(
            Fixtures.PathOf("seed-results", "rtx4090_x_4_QuantTrio_Qwen3-Coder-30B-A3B-Instruct-AWQ_system_info.txt"),
            TestContext.Current.CancellationToken);

        Assert.Equal(new HardwareInfo("NVIDIA GeForce RTX 4090", "575.57.08", "12.9", "AMD EPYC 7B13 64-Core Processor"), info);
    }

    [Fact]
    public async Task A_missing_file_gives_unknown_hardware() =>
        Assert.Equal(
            HardwareInfo.Unknown,
            await SystemInfoText.ReadAsync("/nonexistent/system_info.txt", TestContext.Current.CancellationToken));
}
