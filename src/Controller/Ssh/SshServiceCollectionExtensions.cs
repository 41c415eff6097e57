using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GpuBench.Controller.Ssh;

/// <summary>Registers the SSH transport: connections, bundle upload, agent launch and agent sessions.</summary>
public static class SshServiceCollectionExtensions
{
    public static IServiceCollection AddSshTransport(this IServiceCollection services)
    {
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SshConnector>();
        services.TryAddSingleton<BundleUploader>();
        services.TryAddSingleton<RemoteAgentLauncher>();
        services.TryAddSingleton<SshAgentSessions>();
        return services;
    }
}
