using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace GpuBench.Core.Net;

/// <summary>
/// Ports on 127.0.0.1 for servers that must be told theirs before they start (an engine, a gateway, sshd), and the
/// port a server reports once it listens.
/// </summary>
/// <remarks>
/// The kernel's own choice (a bind to port 0) lies in the ephemeral range, the range every outgoing connection on the
/// machine draws its local port from, so between the choice and the server's own bind a connection may take it.
/// <see cref="Pick"/> draws below that range instead, where nothing is handed out, and checks the port is free.
/// </remarks>
public static partial class LoopbackPorts
{
    /// <summary>Where Linux's ephemeral range starts unless the machine says otherwise.</summary>
    public const int DefaultEphemeralStart = 32_768;

    private const string EphemeralRangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
    private const int Lowest = 10_000;
    private const int Attempts = 64;

    /// <summary>A free TCP port on 127.0.0.1, outside the ephemeral range when the machine leaves room for one.</summary>
    public static int Pick()
    {
        var ephemeralStart = EphemeralStart();
        if (ephemeralStart - Lowest >= 1_000)
        {
            for (var i = 0; i < Attempts; i++)
            {
                var port = BelowEphemeralRange(ephemeralStart);
                if (IsFree(port))
                {
                    return port;
                }
            }
        }

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>A random port from 10,000 up to <paramref name="ephemeralStart"/>, not checked for being free.</summary>
    public static int BelowEphemeralRange(int ephemeralStart) => Random.Shared.Next(Lowest, ephemeralStart);

    /// <summary>
    /// A command-line setting that keeps the <see cref="ListeningPort"/> line in a server's log whatever log levels
    /// its environment sets (that line is the only way to learn a port chosen at start).
    /// </summary>
    public const string ListeningLineArgument = "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information";

    /// <summary>
    /// The port in ASP.NET Core's <c>Now listening on: http://127.0.0.1:PORT</c> line (logged once Kestrel listens,
    /// so a server started on port 0 says which port it got), found anywhere in <paramref name="text"/>; null when
    /// there is no such line.
    /// </summary>
    public static int? ListeningPort(string? text) =>
        text is not null && ListeningLine().Match(text) is { Success: true } match
            ? int.Parse(match.Groups["port"].ValueSpan, CultureInfo.InvariantCulture)
            : null;

    /// <summary>The first port of the kernel's ephemeral range (<see cref="DefaultEphemeralStart"/> when it cannot be read).</summary>
    public static int EphemeralStart()
    {
        string? rangeText;
        try
        {
            rangeText = File.Exists(EphemeralRangeFile) ? File.ReadAllText(EphemeralRangeFile) : null;
        }
        catch (IOException)
        {
            rangeText = null;
        }

        var first = rangeText?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : DefaultEphemeralStart;
    }

    private static bool IsFree(int port)
    {
        // No SO_REUSEADDR: a port held by a listener or by any connection, even one closing, is not free.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"Now listening on: https?://(?:127\.0\.0\.1|localhost|\[::1\]):(?<port>\d{1,5})\b")]
    private static partial Regex ListeningLine();
}
