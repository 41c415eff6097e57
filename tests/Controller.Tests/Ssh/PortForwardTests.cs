using System.Globalization;
using GpuBench.Controller.Ssh;
using GpuBench.Core.Net;
using GpuBench.TestSupport;

namespace GpuBench.Controller.Tests.Ssh;

public sealed class PortForwardTests(SshdFixture sshd) : IClassFixture<SshdFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Local_forward_below_the_ephemeral_range_reaches_an_http_server_listening_on_the_box_loopback()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        await using var onBox = await LoopbackHttpServer.StartAsync("agent says hi");
        await using var link = await sshd.LinkAsync();

        var forward = await link.ForwardLocalAsync(onBox.Port, Ct);

        Assert.NotEqual(0, forward.LocalPort);
        Assert.NotEqual(onBox.Port, forward.LocalPort);
        // Where no outgoing connection can take the port while the link reconnects (when the machine leaves room).
        if (LoopbackPorts.EphemeralStart() > 11_000)
        {
            Assert.InRange(forward.LocalPort, 1, LoopbackPorts.EphemeralStart() - 1);
        }

        using var http = new HttpClient();
        Assert.Equal("agent says hi", await http.GetStringAsync(new Uri(forward.Uri, "health"), Ct));
    }

    [Fact]
    public async Task Remote_forward_on_a_box_port_below_the_ephemeral_range_lets_the_box_reach_a_local_server()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        await using var dashboard = await LoopbackHttpServer.StartAsync("otlp collector here");
        await using var link = await sshd.LinkAsync();

        var forward = await link.ForwardRemoteAsync(dashboard.Port, Ct);

        // The box can give the port back after a reconnect: no outgoing connection on the box takes it meanwhile.
        Assert.InRange(forward.BoxPort, 1, LoopbackPorts.DefaultEphemeralStart - 1);
        Assert.Contains("otlp collector here", await FetchFromBoxAsync(link, forward.BoxPort), StringComparison.Ordinal);
    }

    /// <summary>An HTTP GET made by a program on the box (bash's /dev/tcp), not by the test process.</summary>
    internal static async Task<string> FetchFromBoxAsync(SshLink link, int boxPort)
    {
        const string Get = "exec 3<>/dev/tcp/127.0.0.1/$1 && printf 'GET / HTTP/1.0\\r\\nHost: box\\r\\n\\r\\n' >&3 && cat <&3";
        var result = await link.RunAsync(["bash", "-c", Get, "fetch", boxPort.ToString(CultureInfo.InvariantCulture)], TestContext.Current.CancellationToken);
        Assert.True(result.Succeeded, $"exit {result.ExitStatus}: {result.Error}");
        return result.Output;
    }
}
