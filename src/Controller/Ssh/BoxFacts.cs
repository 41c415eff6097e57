namespace GpuBench.Controller.Ssh;

/// <summary>
/// What the controller must know of a box before it starts the agent there: its `uname -sm` (which bundle runs on
/// it) and the SSH user's home (where a relative remote root lies), asked together over one connection.
/// </summary>
public sealed record BoxFacts(string UnameSm, string Home)
{
    public static async Task<BoxFacts> ReadAsync(SshConnector connector, SshServerOptions server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(server);
        using var client = await connector.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        using var command = client.CreateCommand("uname -sm && printf '%s\\n' \"$HOME\"");
        await command.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        var lines = command.Result.Split('\n', StringSplitOptions.TrimEntries);
        if (command.ExitStatus != 0 || lines.Length < 2 || lines[0].Length == 0 || !lines[1].StartsWith('/'))
        {
            throw new SshTransportException(
                SshFailure.RemoteCommand,
                $"Could not read uname -sm and $HOME on {server.Display} (exit status {command.ExitStatus}): {command.Error.Trim()}{command.Result.Trim()}");
        }

        return new BoxFacts(lines[0], lines[1]);
    }

    /// <summary>The options with the remote root made absolute against <see cref="Home"/>.</summary>
    public SshServerOptions Resolve(SshServerOptions server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server with { RemoteRoot = RemotePaths.For(server, Home).Root };
    }
}
