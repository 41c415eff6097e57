using GpuBench.Reporting.Import;
using GpuBench.TestSupport;

namespace GpuBench.Reporting.Tests.Import;

public class ComposeLayoutTests
{
    [Theory]
    [InlineData("rtx4090_x_4_QuantTrio_Qwen3-Coder-30B-A3B-Instruct-AWQ_vllm_benchmark.txt", "4 × 1", "0|1|2|3")]
    [InlineData("rtx4090_x_4_ibnzterrell_Meta-Llama-3.3-70B-Instruct-AWQ-INT4_vllm_benchmark.txt", "2 × pp2", "0,1|2,3")]
    [InlineData("rtx4090_x_4_cpatonn_GLM-4.5-Air-AWQ-4bit_vllm_benchmark.txt", "1 × pp4", "0,1,2,3")]
    [InlineData("tensor-parallel/rtx5090_x_4_cpatonn_GLM-4.5-Air-AWQ-4bit_vllm_benchmark.txt", "1 × tp4", "0,1,2,3")]
    [InlineData("pro6000_x_1_cpatonn_GLM-4.5-Air-AWQ-4bit_vllm_benchmark.txt", "1 × 1", "0")]
    public void Layout_comes_from_the_vllm_services_and_their_flags(string file, string layout, string gpus)
    {
        var text = File.ReadAllText(Fixtures.PathOf("seed-results", file));

        var parsed = ComposeLayout.Parse(text);

        Assert.Equal(layout, parsed.ToString());
        Assert.Equal(gpus, string.Join('|', parsed.Placements.Select(p => p.DeviceList)));
    }

    [Fact]
    public void Compose_without_an_engine_service_is_an_error()
    {
        var error = Assert.Throws<FormatException>(() => ComposeLayout.Parse("services:\n  nginx:\n    image: nginx\n"));
        Assert.Contains("vllm_N", error.Message, StringComparison.Ordinal);
    }
}
