using System.Net;
using System.Net.Sockets;
using GpuBench.Core.Net;

namespace GpuBench.Core.Tests.Net;

public sealed class LoopbackPortsTests
{
    [Fact]
    public void A_picked_port_is_free_and_below_the_ephemeral_range_when_there_is_room()
    {
        var ports = Enumerable.Range(0, 20).Select(_ => LoopbackPorts.Pick()).ToList();

        foreach (var port in ports)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            if (LoopbackPorts.EphemeralStart() > 11_000)
            {
                Assert.InRange(port, 10_000, LoopbackPorts.EphemeralStart() - 1);
            }
        }

        // Drawn at random, not handed out in sequence.
        Assert.True(ports.Distinct().Count() > 10, string.Join(", ", ports));
    }

    [Theory]
    [InlineData("      Now listening on: http://127.0.0.1:41234", 41234)]
    [InlineData("info: Microsoft.Hosting.Lifetime[14]\n      Now listening on: http://127.0.0.1:8000\ninfo: started", 8000)]
    [InlineData("Now listening on: https://localhost:5001", 5001)]
    [InlineData("Now listening on: http://[::1]:9000", 9000)]
    public void The_listening_port_is_read_from_kestrels_line(string text, int port) =>
        Assert.Equal(port, LoopbackPorts.ListeningPort(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Application started. Press Ctrl+C to shut down.")]
    [InlineData("Now listening on: http://0.0.0.0:8000")]
    public void Other_lines_have_no_listening_port(string? text) => Assert.Null(LoopbackPorts.ListeningPort(text));
}
