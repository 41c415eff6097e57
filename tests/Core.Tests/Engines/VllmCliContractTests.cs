using GpuBench.Core.Engines;
using GpuBench.TestSupport;

namespace GpuBench.Core.Tests.Engines;

/// <summary>The embedded contract of the pinned vLLM: cited, and read as vLLM's argparse reads a command line.</summary>
public class VllmCliContractTests
{
    private static readonly VllmCliContract Contract = VllmCliContract.Pinned;

    [Fact]
    public void The_contract_is_the_default_images_version_and_every_flag_names_a_vllm_file_the_header_cites()
    {
        var text = File.ReadAllText(Path.Combine(Fixtures.RepositoryRoot, "src", "Core", "Engines", "vllm-cli.yml"));

        Assert.Equal(Core.Config.EngineSettings.DefaultImage, "vllm/vllm-openai:v" + Contract.Version);
        Assert.Contains("github.com/vllm-project/vllm at tag v0.11.0", text, StringComparison.Ordinal);
        Assert.All(Contract.Flags, f => Assert.Contains($"#   {f.Value.Source} ", text, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--max-model-len", "8192", true)]
    [InlineData("--max-model-len", "8k", true)]
    [InlineData("--max-model-len", "1.5M", true)]
    [InlineData("--max-model-len", "8kb", false)]
    [InlineData("--max_model_len", "2048", true)]
    [InlineData("-tp", "2", true)]
    [InlineData("--block-size", "24", false)]
    public void Values_are_read_as_vllm_reads_them(string flag, string value, bool accepted)
    {
        var check = Contract.Check(["--model", "org/m", flag, value], VllmEntrypoint.ApiServer);

        Assert.Equal(accepted, check.Accepted);
    }

    [Fact]
    public void A_flag_the_contract_does_not_list_is_reported_and_keeps_its_value()
    {
        var check = Contract.Check(["serve", "org/m", "--tool-call-parser", "glm45", "--port", "8000"], VllmEntrypoint.Serve);

        Assert.True(check.Accepted, check.Error?.Message);
        Assert.Equal(["--tool-call-parser"], check.UnknownFlags);
        Assert.Equal(("org/m", "8000"), (check.Model, check.Value("--port")));
    }

    [Theory]
    [InlineData(new[] { "vllm", "serve" }, VllmEntrypoint.Serve)]
    [InlineData(new[] { "/opt/venv/bin/python", "-m", "vllm.entrypoints.openai.api_server" }, VllmEntrypoint.ApiServer)]
    public void A_command_ending_in_serve_is_the_cli_and_any_other_the_api_server(string[] command, VllmEntrypoint entrypoint) =>
        Assert.Equal(entrypoint, VllmCliContract.EntrypointOf(command));
}
