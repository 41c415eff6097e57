using GpuBench.Agent.Deployments;
using GpuBench.Agent.Hosting;
using GpuBench.Agent.Tests.Support;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Planning;

namespace GpuBench.Agent.Tests.Deployments;

public sealed class DeploymentPolicyTests
{
    private static readonly AgentOptions Options = new();

    [Theory]
    [InlineData("/etc")]
    [InlineData("/var/run")]
    [InlineData("/var/run/docker.sock")]
    [InlineData("/")]
    [InlineData("/usr/lib/python3")]
    [InlineData("/hf_models/../etc")]
    [InlineData("hf_models")]
    [InlineData("/srv/cache")]
    public void A_model_cache_outside_the_allowed_roots_or_in_a_system_path_is_refused(string cache)
    {
        var error = Assert.Throws<DeploymentRejectedException>(() => DeploymentPolicy.Check(With(cache: cache), Options));

        Assert.Contains($"model cache '{cache}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/hf_models")]
    [InlineData("/hf_models/org")]
    [InlineData("/data/hf")]
    public void A_model_cache_under_an_allowed_root_is_accepted(string cache) =>
        DeploymentPolicy.Check(With(cache: cache), Options);

    [Theory]
    [InlineData("LD_PRELOAD")]
    [InlineData("LD_LIBRARY_PATH")]
    [InlineData("PYTHONPATH")]
    [InlineData("PYTHONSTARTUP")]
    [InlineData("PATH")]
    [InlineData("BASH_ENV")]
    [InlineData("DOTNET_STARTUP_HOOKS")]
    public void Environment_that_changes_what_code_the_engine_runs_is_refused(string name)
    {
        var error = Assert.Throws<DeploymentRejectedException>(() =>
            DeploymentPolicy.Check(With(env: new Dictionary<string, string> { [name] = "/tmp/evil" }), Options));

        Assert.Contains($"engine env {name} is not allowed", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vllm/vllm-openai", "has no tag")]
    [InlineData("vllm/vllm-openai:latest", "is not pinned")]
    public void A_docker_image_that_is_not_pinned_is_refused(string image, string problem)
    {
        var error = Assert.Throws<DeploymentRejectedException>(() => DeploymentPolicy.Check(With(image: image), Options));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_named_at_once()
    {
        var error = Assert.Throws<DeploymentRejectedException>(() => DeploymentPolicy.Check(
            With(cache: "/etc", image: "evil/image", env: new Dictionary<string, string> { ["LD_PRELOAD"] = "x", ["VLLM_LOGGING_LEVEL"] = "INFO" }), Options));

        Assert.Contains("image \"evil/image\" has no tag", error.Message, StringComparison.Ordinal);
        Assert.Contains("model cache '/etc' is a system path", error.Message, StringComparison.Ordinal);
        Assert.Contains("engine env LD_PRELOAD is not allowed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("VLLM_LOGGING_LEVEL", error.Message, StringComparison.Ordinal);
    }

    private static DeploymentRequest With(string? cache = "/hf_models", string image = EngineSettings.DefaultImage, Dictionary<string, string>? env = null)
    {
        var request = Plans.Request(Layout.Consecutive(1, 1, 1), RuntimeKind.Docker);
        return request with
        {
            Engine = request.Engine with
            {
                ModelCacheDir = cache,
                Settings = request.Engine.Settings with { Image = image, Env = env ?? new Dictionary<string, string>() },
            },
        };
    }
}
