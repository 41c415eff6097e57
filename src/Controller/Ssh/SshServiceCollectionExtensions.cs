namespace GpuBench.Controller.Ssh;

/// <summary>Registers the SSH transport: connections, bundle upload, agent launch and agent sessions.</summary>
public static class SshServiceCollectionExtensions
{
    public static IServiceCollection AddSshTransport(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SshConnector>();
        services.AddSingleton<BundleUploader>();
        services.AddSingleton<RemoteAgentLauncher>();
        services.AddSingleton<SshAgentSessions>();
        return services;
    }
}
