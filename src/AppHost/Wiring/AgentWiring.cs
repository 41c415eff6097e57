using System.Globalization;
using GpuBench.Core.Config;
using GpuBench.ServiceDefaults;

namespace GpuBench.AppHost.Wiring;

/// <summary>How the AppHost's resources are configured: the agent's settings and the telemetry every resource shares.</summary>
public static class AgentWiring
{
    /// <summary>The variable the controller reads the AppHost agent's token from (src/Controller/Campaigns).</summary>
    public const string ControllerTokenVariable = "GPUBENCH_AGENT_TOKEN";

    /// <summary>The agent's admin API listens on 127.0.0.1 only, on a port chosen at start.</summary>
    public static IResourceBuilder<ProjectResource> OnLoopbackOnly(this IResourceBuilder<ProjectResource> agent) =>
        agent.WithEndpoint("http", endpoint =>
        {
            endpoint.TargetHost = "127.0.0.1";
            endpoint.Port = null;
        });

    /// <summary>The agent's data directory: one per config file and server (<see cref="CampaignSettings.StateDirectory"/>).</summary>
    public static IResourceBuilder<ProjectResource> WithDataDirectory(this IResourceBuilder<ProjectResource> agent, CampaignSettings campaign, ServerSpec server)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return agent.WithEnvironment("Agent__DataDirectory", campaign.AgentDataDirectory(server));
    }

    public static IResourceBuilder<ProjectResource> WithAgentToken(this IResourceBuilder<ProjectResource> agent, IResourceBuilder<ParameterResource> token) =>
        agent.WithEnvironment("Agent__Token", token);

    /// <summary>The GPUs the agent simulates when the machine has no nvidia-smi: its local server's `gpu:`.</summary>
    public static IResourceBuilder<ProjectResource> WithSimulatedBox(this IResourceBuilder<ProjectResource> agent, ServerSpec server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return agent
            .WithEnvironment("Agent__SimulatedGpus__Type", server.Gpu.Type)
            .WithEnvironment("Agent__SimulatedGpus__Count", server.Gpu.Count.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The gateway the agent starts in front of each deployment: the Gateway project's build output, run by dotnet.</summary>
    public static IResourceBuilder<ProjectResource> WithGateway(this IResourceBuilder<ProjectResource> agent, CampaignSettings campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return agent
            .WithEnvironment("Agent__GatewayCommand__0", DotNet)
            .WithEnvironment("Agent__GatewayCommand__1", BuiltDll(new Projects.Gateway().ProjectPath, "GpuBench.Gateway"));
    }

    /// <summary>
    /// ParentBased(TraceIdRatioBased(telemetry.trace_sampling_ratio)) in every process. Replaces the always_on
    /// sampler Aspire sets for development: a campaign of thousands of requests must not drown the dashboard.
    /// </summary>
    public static IResourceBuilder<T> WithTraceSampling<T>(this IResourceBuilder<T> resource, CampaignSettings campaign)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(campaign);
        foreach (var (name, value) in TraceSampling.Environment(campaign.TraceSamplingRatio))
        {
            resource.WithEnvironment(name, value);
        }

        return resource;
    }

    /// <summary>A project's build output in the configuration the AppHost itself was built in.</summary>
    public static string BuiltDll(string projectPath, string assembly)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";
        return Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", configuration, "net10.0", assembly + ".dll");
    }

    /// <summary>The dotnet host running the AppHost, so the agent's children run on the same runtime.</summary>
    public static string DotNet => Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
}
