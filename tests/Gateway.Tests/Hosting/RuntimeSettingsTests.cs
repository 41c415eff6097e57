using System.Text.Json;
using GpuBench.Gateway.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GpuBench.Gateway.Tests.Hosting;

/// <summary>The runtime and Kestrel settings the gateway's tail latency at a thousand streams depends on.</summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public async Task Kestrel_continues_inline_by_default()
    {
        await using var app = GatewayHost.Create(["--Gateway:Port=0", "--Gateway:Admin:Port=0"]);

        Assert.True(app.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
    }

    [Fact]
    public async Task Inline_scheduling_can_be_switched_off()
    {
        await using var app = GatewayHost.Create(["--Gateway:Port=0", "--Gateway:Admin:Port=0", "--Gateway:InlineScheduling=false"]);

        Assert.False(app.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
    }

    [Fact]
    public void The_gateway_ships_with_server_gc_without_dynamic_adaptation()
    {
        // Written by the build next to the gateway's assembly, copied here with it.
        var path = Path.Combine(AppContext.BaseDirectory, "GpuBench.Gateway.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.Equal(0, properties.GetProperty("System.GC.DynamicAdaptationMode").GetInt32());
    }
}
