using GpuBench.Core.Contracts;
using GpuBench.Core.Planning;

namespace GpuBench.Core.Tests.Contracts;

public sealed class DeploymentRequestTests
{
    [Fact]
    public void Printing_a_request_names_its_parts_but_never_the_hf_token()
    {
        var request = new DeploymentRequest
        {
            Campaign = "spring",
            Run = "box/model/smoke",
            Layout = Layout.Consecutive(2, 1, 1),
            Engine = new EngineLaunch { Model = "Qwen/Qwen3-8B" },
            HuggingFaceToken = "hf_printedSECRETabcdefghijklmnopqrstuv",
        };

        var text = request.ToString();

        Assert.DoesNotContain("hf_printedSECRET", text, StringComparison.Ordinal);
        Assert.Contains("HuggingFaceToken = <redacted>", text, StringComparison.Ordinal);
        Assert.Contains("Run = box/model/smoke", text, StringComparison.Ordinal);
        Assert.Contains("Qwen/Qwen3-8B", text, StringComparison.Ordinal);
    }
}
