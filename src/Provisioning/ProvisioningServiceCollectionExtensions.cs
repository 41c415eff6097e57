using GpuBench.Provisioning.Cache;
using GpuBench.Provisioning.Hub;
using GpuBench.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace GpuBench.Provisioning;

public static class ProvisioningServiceCollectionExtensions
{
    public const string HttpClientName = "hf-hub";

    /// <summary>
    /// Registers <see cref="ModelProvisioner"/>. Its HTTP client has no resilience handler and no timeout (a
    /// shard takes minutes; provisioning retries and resumes by itself) and follows no redirects on its own.
    /// </summary>
    public static IServiceCollection AddModelProvisioning(this IServiceCollection services, ProvisioningOptions? options = null)
    {
        services.AddStreamingHttpClient(HttpClientName).ConfigurePrimaryHttpMessageHandler(HubHttp.CreateHandler);
        services.TryAddSingleton<IFreeSpaceProbe, DriveFreeSpaceProbe>();
        services.TryAddSingleton(TimeProvider.System);
        // Transient, so each use takes a client from the factory and its handler rotation.
        services.AddTransient(sp => new ModelProvisioner(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            options,
            sp.GetRequiredService<IFreeSpaceProbe>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ModelProvisioner>>()));
        return services;
    }
}
