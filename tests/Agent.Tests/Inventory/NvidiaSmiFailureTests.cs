using System.Net;
using System.Runtime.Versioning;
using GpuBench.Agent.Tests.Support;

namespace GpuBench.Agent.Tests.Inventory;

/// <summary>A box whose nvidia-smi is there but fails, as with a driver that does not answer: a real failing program on the agent's PATH.</summary>
[Collection(AgentProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class NvidiaSmiFailureTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("gpubench-agent-test-").FullName;
    private readonly ProgramsOnPath _tools = new();

    [Fact]
    public async Task A_failing_nvidia_smi_is_said_loudly_instead_of_simulating_the_gpus()
    {
        var ct = TestContext.Current.CancellationToken;
        await _tools.WriteAsync("nvidia-smi", "echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\"\nexit 9", ct);
        await using var agent = await AgentProcess.StartAsync(_dataDirectory, ct, extraEnvironment: _tools.Environment);

        using var inventory = await agent.Client.GetAsync("/host/inventory", ct);
        var body = await inventory.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, inventory.StatusCode);
        Assert.Contains("nvidia-smi is installed but failed (exit code 9)", body, StringComparison.Ordinal);
        Assert.Contains("couldn't communicate with the NVIDIA driver", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"simulated\":true", body, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _tools.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
