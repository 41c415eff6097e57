using System.Net;
using System.Net.Sockets;

namespace GpuBench.TestSupport;

/// <summary>
/// A port on 127.0.0.1 that refuses connections for as long as this lives: it is bound, never listened on. A port
/// merely released after a bind to port 0 is the kernel's to hand out again, to any server a parallel test starts,
/// which would then answer.
/// </summary>
public sealed class ClosedLoopbackPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClosedLoopbackPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}
