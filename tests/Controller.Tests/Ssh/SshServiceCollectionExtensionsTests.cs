using GpuBench.Controller.Ssh;
using Microsoft.Extensions.DependencyInjection;

namespace GpuBench.Controller.Tests.Ssh;

public sealed class SshServiceCollectionExtensionsTests
{
    [Fact]
    public void Ssh_transport_resolves_from_its_registration_alone()
    {
        using var provider = new ServiceCollection().AddSshTransport().BuildServiceProvider(validateScopes: true);

        Assert.NotNull(provider.GetRequiredService<SshAgentSessions>());
        Assert.Same(provider.GetRequiredService<SshConnector>(), provider.GetRequiredService<SshConnector>());
    }
}
