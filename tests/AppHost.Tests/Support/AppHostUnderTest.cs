using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using GpuBench.TestSupport;
using GpuBench.TestSupport.Otlp;

namespace GpuBench.AppHost.Tests.Support;

/// <summary>
/// Builds the real AppHost (src/AppHost/AppHost.cs) on a test campaign, with a known agent token and every
/// resource exporting OTLP/HTTP to an in-test receiver instead of the dashboard.
/// </summary>
internal static class AppHostUnderTest
{
    public const string AgentToken = "apphost-test-token-7d41";

    public static async Task<IDistributedApplicationTestingBuilder> CreateAsync(
        TinyCampaign campaign, OtlpReceiver receiver, bool withController, CancellationToken cancellationToken)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--config", campaign.ConfigPath], cancellationToken);
        builder.Configuration["Parameters:agent-token"] = AgentToken;
        if (!withController)
        {
            builder.Resources.Remove(builder.Resources.Single(r => r.Name == "controller"));
        }

        foreach (var project in builder.Resources.OfType<ProjectResource>().ToArray())
        {
            // Added after the AppHost's own settings, so these win over Aspire's dashboard endpoint.
            builder.CreateResourceBuilder(project)
                .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.Endpoint)
                .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
                .WithEnvironment("OTEL_EXPORTER_OTLP_HEADERS", "")
                .WithEnvironment("OTEL_BSP_SCHEDULE_DELAY", "500")
                .WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", "1000");
        }

        return builder;
    }

    /// <summary>The simulator's build output, run by dotnet, as the controller would send it for engine kind sim.</summary>
    public static string[] SimulatorCommand => [BuiltProjects.DotNet, BuiltProjects.Simulator];
}
