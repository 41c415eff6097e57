using GpuBench.Core.Net;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace GpuBench.Controller.Ssh;

/// <summary>
/// A local port forward: 127.0.0.1:<see cref="LocalPort"/> on this machine reaches <see cref="RemoteHost"/>:
/// <see cref="RemotePort"/> as seen from the box. It keeps its local port across reconnects, so the port lies below
/// the ephemeral range (<see cref="LoopbackPorts.Pick"/>): while the link is down nothing listens on it, and a port
/// the kernel handed out could meanwhile become some outgoing connection's, leaving the forward nowhere to return.
/// </summary>
public sealed class LocalForward
{
    internal LocalForward(string remoteHost, int remotePort) => (RemoteHost, RemotePort) = (remoteHost, remotePort);

    public string RemoteHost { get; }

    public int RemotePort { get; }

    public int LocalPort { get; private set; }

    /// <summary>The base address to reach the forwarded service through.</summary>
    public Uri Uri => new($"http://127.0.0.1:{LocalPort}/");

    internal ForwardedPortLocal? Port { get; private set; }

    internal void Open(SshClient client)
    {
        ForwardedPorts.Close(Port);
        if (LocalPort == 0)
        {
            LocalPort = LoopbackPorts.Pick();
        }

        var port = new ForwardedPortLocal("127.0.0.1", (uint)LocalPort, RemoteHost, (uint)RemotePort);
        client.AddForwardedPort(port);
        port.Start();
        LocalPort = (int)port.BoundPort;
        Port = port;
    }
}

/// <summary>
/// A remote port forward: 127.0.0.1:<see cref="BoxPort"/> on the box reaches <see cref="LocalHost"/>:
/// <see cref="LocalPort"/> on this machine (how the box's agent exports OTLP to the local dashboard). It keeps its
/// box port across reconnects, because the agent was told that port when it started; so the port lies below the
/// box's ephemeral range, where no outgoing connection on the box can take it while the link is down.
/// </summary>
public sealed class RemoteForward
{
    internal RemoteForward(string localHost, int localPort, int boxPort) =>
        (LocalHost, LocalPort, BoxPort) = (localHost, localPort, boxPort);

    public string LocalHost { get; }

    public int LocalPort { get; }

    public int BoxPort { get; private set; }

    internal ForwardedPortRemote? Port { get; private set; }

    internal void Open(SshClient client)
    {
        ForwardedPorts.Close(Port);

        // A reconnect asks for the same port again.
        Port = BoxPort != 0 ? Start(client, BoxPort) : StartBelowEphemeralRange(client);
        BoxPort = (int)Port.BoundPort;
    }

    /// <summary>
    /// A port below Linux's default ephemeral range (the box's own is not known here), where sshd's own choice would
    /// fall; another random one when sshd refuses one in use; sshd's choice (port 0) when none is free.
    /// </summary>
    private ForwardedPortRemote StartBelowEphemeralRange(SshClient client)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            try
            {
                return Start(client, LoopbackPorts.BelowEphemeralRange(LoopbackPorts.DefaultEphemeralStart));
            }
            catch (SshException ex) when (ex is not SshConnectionException)
            {
                // sshd could not listen there: taken.
            }
        }

        return Start(client, 0);
    }

    private ForwardedPortRemote Start(SshClient client, int boxPort)
    {
        var port = new ForwardedPortRemote("127.0.0.1", (uint)boxPort, LocalHost, (uint)LocalPort);
        client.AddForwardedPort(port);
        try
        {
            port.Start();
            return port;
        }
        catch
        {
            client.RemoveForwardedPort(port);
            port.Dispose();
            throw;
        }
    }
}

/// <summary>Closing a forwarded port whose session may already be gone.</summary>
internal static class ForwardedPorts
{
    /// <summary>Stops and disposes a port; on a dead session Stop may throw, and the listener is closed all the same.</summary>
    public static void Close(ForwardedPort? port)
    {
        if (port is null)
        {
            return;
        }

        try
        {
            port.Stop();
        }
        catch (Exception ex) when (ex is SshException or ObjectDisposedException or
                                       InvalidOperationException or System.Net.Sockets.SocketException)
        {
            // Nothing left to stop.
        }

        port.Dispose();
    }
}
