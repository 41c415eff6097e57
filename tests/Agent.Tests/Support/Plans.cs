using GpuBench.Agent.Runtimes;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Planning;

namespace GpuBench.Agent.Tests.Support;

/// <summary>Deployment requests and inventories for unit tests.</summary>
internal static class Plans
{
    public const string HfToken = "hf_TESTSECRETtokenValue1234567890";

    public static GpuInventory Gpus(int count, bool simulated) => new(
        simulated, simulated ? null : "580.159.04", simulated ? null : "13.0",
        [.. Enumerable.Range(0, count).Select(i => new GpuDevice(i, "NVIDIA H200", "h200", $"GPU-{i}", 143771,
            null, "9.0", null, 5, 5, 16, 700))],
        []);

    public static DeploymentRequest Request(Layout layout, RuntimeKind runtime = RuntimeKind.Docker) => new()
    {
        Campaign = "spring",
        Run = "h200x4/llama70b",
        Runtime = runtime,
        Layout = layout,
        Engine = new EngineLaunch
        {
            Settings = new EngineSettings { KvCacheDtype = "fp8", Env = new Dictionary<string, string> { ["VLLM_LOGGING_LEVEL"] = "INFO" } },
            Model = "/hf_models/ibnzterrell/Meta-Llama-3.3-70B-Instruct-AWQ-INT4",
            ServedModelName = "ibnzterrell/Meta-Llama-3.3-70B-Instruct-AWQ-INT4",
            ModelCacheDir = "/hf_models",
        },
        HuggingFaceToken = HfToken,
    };

    public static DeploymentPlan Plan(Layout layout, RuntimeKind runtime = RuntimeKind.Docker, bool simulated = false, int gpus = 4)
    {
        var port = 8000;
        return DeploymentPlanner.Plan("d1", Request(layout, runtime), Gpus(gpus, simulated),
            ["dotnet", "/opt/gpubench/GpuBench.Gateway.dll"], "gateway-admin-secret-token", () => ++port);
    }
}
