using GpuBench.Reporting.Import;

namespace GpuBench.Reporting.Tests.Import;

public class ArticleFileNameTests
{
    [Fact]
    public void Name_splits_into_server_gpu_type_count_and_model()
    {
        Assert.True(ArticleFileName.TryParse("rtx4090_x_4_QuantTrio_Qwen3-Coder-30B-A3B-Instruct-AWQ_vllm_benchmark.txt", out var name));

        Assert.Equal(new ServerName("rtx4090_x_4", "rtx4090", 4), name.Server);
        Assert.Equal("QuantTrio_Qwen3-Coder-30B-A3B-Instruct-AWQ", name.ModelPart);
        Assert.Equal("QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ", name.ModelFromName());
    }

    [Fact]
    public void Underscores_inside_the_model_name_survive()
    {
        Assert.True(ArticleFileName.TryParse("pro6000_x_1_my-org_llama_3_70b_int4_x_2_vllm_benchmark.txt", out var name));

        Assert.Equal("pro6000_x_1", name.Server.Name);
        Assert.Equal("my-org_llama_3_70b_int4_x_2", name.ModelPart);
        Assert.Equal("my-org/llama_3_70b_int4_x_2", name.ModelFromName());
    }

    [Theory]
    [InlineData("rtx4090_x_4_QuantTrio_Qwen3_system_info.txt")]
    [InlineData("result.json")]
    [InlineData("rtx4090_QuantTrio_Qwen3_vllm_benchmark.txt")]
    [InlineData("rtx4090_x_4_vllm_benchmark.txt")]
    public void Other_files_are_not_article_results(string fileName) =>
        Assert.False(ArticleFileName.TryParse(fileName, out _));

    [Fact]
    public void System_info_file_sits_next_to_the_benchmark_file() =>
        Assert.Equal(
            "/r/l40s_x_2_org_m_system_info.txt",
            ArticleFileName.SystemInfoPathFor("/r/l40s_x_2_org_m_vllm_benchmark.txt"));
}
