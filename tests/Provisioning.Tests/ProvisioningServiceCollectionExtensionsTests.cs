using GpuBench.Provisioning.Hub;
using GpuBench.ServiceDefaults;
using GpuBench.TestSupport.Hub;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GpuBench.Provisioning.Tests;

public sealed class ProvisioningServiceCollectionExtensionsTests : ProvisioningTestBase
{
    [Fact]
    public async Task Registered_provisioner_downloads_through_service_defaults_keeping_the_token_off_the_cdn()
    {
        using var host = BuildHost();
        Hub.Add(new HubRepository("acme/gated") { GatedToken = "hf_secret" }).Commit("main", TinyFiles);

        var result = await host.Services.GetRequiredService<ModelProvisioner>()
            .EnsureAsync(Request("acme/gated") with { Token = new HubToken("hf_secret") }, cancellationToken: Cancel);

        Assert.Null(result.Failure);
        Assert.Contains(Hub.Requests, r => r.Server == "cdn");
        Assert.All(Hub.Requests.Where(r => r.Server == "cdn"), r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task Registered_provisioner_retries_only_by_its_own_policy()
    {
        using var host = BuildHost();
        Hub.FailApi(100);

        var result = await host.Services.GetRequiredService<ModelProvisioner>().EnsureAsync(Request(), cancellationToken: Cancel);

        // Service defaults put a retrying handler on every client; under provisioning's 3 attempts it would make more.
        Assert.Equal(ProvisioningFailureKind.NetworkFailure, result.Failure?.Kind);
        Assert.Equal(FastOptions.MaxAttempts, Hub.Requests.Count(r => r.Status == 503));
    }

    private static IHost BuildHost()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddServiceDefaults();
        builder.Services.AddModelProvisioning(FastOptions);
        return builder.Build();
    }
}
