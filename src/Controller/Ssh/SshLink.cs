using Renci.SshNet;
using Renci.SshNet.Common;

namespace GpuBench.Controller.Ssh;

/// <summary>Where an <see cref="SshLink"/> stands.</summary>
public enum SshLinkState
{
    Connected,

    /// <summary>The link dropped and is being re-established; commands wait for it.</summary>
    Reconnecting,

    /// <summary>Reconnecting failed for good (attempts exhausted, or a key or host key problem).</summary>
    Lost,

    Closed,
}

/// <summary>A change of an <see cref="SshLink"/>'s state; <see cref="Attempt"/> counts reconnect attempts.</summary>
public sealed record SshLinkStateChange(SshLinkState State, int Attempt, Exception? Error);

/// <summary>The outcome of a remote command.</summary>
public sealed record RemoteCommandResult(int? ExitStatus, string Output, string Error)
{
    public bool Succeeded => ExitStatus == 0;
}

/// <summary>
/// The controller's link to one box: a verified SSH connection with keep-alives, the port forwards made through it,
/// and automatic reconnection with backoff when it drops. After a reconnect every forward is back on the same ports,
/// so callers only wait (<see cref="WaitUntilConnectedAsync"/>) or listen (<see cref="StateChanged"/>) and resume.
/// </summary>
public sealed class SshLink : IAsyncDisposable
{
    private readonly SshConnector _connector;
    private readonly ReconnectPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Random _random;
    private readonly Lock _gate = new();
    private readonly List<LocalForward> _localForwards = [];
    private readonly List<RemoteForward> _remoteForwards = [];
    private readonly CancellationTokenSource _lifetime = new();
    private readonly SemaphoreSlim _forwarding = new(1, 1);
    private SshClient? _client;
    private TaskCompletionSource _connected = NewSignal();
    private Exception? _lostBecause;
    private ITimer? _probe;
    private int _probing;

    private SshLink(SshServerOptions server, SshConnector connector, ReconnectPolicy policy, TimeProvider time, ILogger logger)
    {
        Server = server;
        _connector = connector;
        _policy = policy;
        _time = time;
        _logger = logger;
        _random = new Random();
    }

    public SshServerOptions Server { get; }

    public SshLinkState State { get; private set; } = SshLinkState.Connected;

    /// <summary>Raised on every state change; a <see cref="SshLinkState.Connected"/> after a drop means "resume now".</summary>
    public event EventHandler<SshLinkStateChange>? StateChanged;

    /// <summary>Connects once (failing fast with a clear error); later drops are retried by the link itself.</summary>
    public static async Task<SshLink> ConnectAsync(
        SshServerOptions server,
        SshConnector connector,
        ILogger<SshLink> logger,
        ReconnectPolicy? policy = null,
        TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(connector);
        var link = new SshLink(server, connector, policy ?? new ReconnectPolicy(), time ?? TimeProvider.System, logger);
        var client = await connector.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        link.Attach(client);
        link._connected.TrySetResult();
        link._probe = link._time.CreateTimer(_ => link.Probe(), null, server.KeepAliveInterval, server.KeepAliveInterval);
        return link;
    }

    /// <summary>Returns at once while connected; while reconnecting, waits; throws when the link is lost or closed.</summary>
    public Task WaitUntilConnectedAsync(CancellationToken cancellationToken) =>
        CurrentClientAsync(cancellationToken);

    /// <summary>Opens 127.0.0.1:&lt;port below the ephemeral range&gt; here to reach <paramref name="remoteHost"/>:<paramref name="remotePort"/> as the box sees it.</summary>
    public Task<LocalForward> ForwardLocalAsync(int remotePort, CancellationToken cancellationToken, string remoteHost = "127.0.0.1") =>
        AddForwardAsync(new LocalForward(remoteHost, remotePort), _localForwards, (f, c) => f.Open(c), cancellationToken);

    /// <summary>
    /// Opens 127.0.0.1:<paramref name="boxPort"/> on the box (0: sshd picks a free one) to reach
    /// <paramref name="localHost"/>:<paramref name="localPort"/> here.
    /// </summary>
    public Task<RemoteForward> ForwardRemoteAsync(
        int localPort, CancellationToken cancellationToken, int boxPort = 0, string localHost = "127.0.0.1") =>
        AddForwardAsync(new RemoteForward(localHost, localPort, boxPort), _remoteForwards, (f, c) => f.Open(c), cancellationToken);

    /// <summary>Runs a program on the box; every element of <paramref name="argv"/> reaches it literally.</summary>
    public Task<RemoteCommandResult> RunAsync(IEnumerable<string> argv, CancellationToken cancellationToken) =>
        RunShellAsync(ShellQuote.Join(argv), standardInput: null, cancellationToken);

    /// <summary>
    /// Runs a command line through the remote user's shell. Only for command lines assembled here from fixed shell
    /// syntax and <see cref="ShellQuote"/>d values, never from a config value directly.
    /// </summary>
    internal async Task<RemoteCommandResult> RunShellAsync(string commandLine, string? standardInput, CancellationToken cancellationToken)
    {
        var client = await CurrentClientAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = client.CreateCommand(commandLine);
            var execution = command.ExecuteAsync(cancellationToken);
            if (standardInput is not null)
            {
                var input = command.CreateInputStream();
                await using (input.ConfigureAwait(false))
                {
                    await input.WriteAsync(System.Text.Encoding.UTF8.GetBytes(standardInput), cancellationToken).ConfigureAwait(false);
                }
            }

            await execution.ConfigureAwait(false);
            return new RemoteCommandResult(command.ExitStatus, command.Result, command.Error);
        }
        catch (Exception ex) when (ex is SshException or ObjectDisposedException or System.Net.Sockets.SocketException &&
                                   !ReferenceEquals(client, _client))
        {
            // Whether the command ran to its end on the box is unknown; the caller decides whether to run it again.
            throw new SshTransportException(
                SshFailure.LinkLost,
                $"The SSH link to {Server.Display} dropped while a command ran; it is reconnecting " +
                $"(wait with {nameof(WaitUntilConnectedAsync)}, then pick the result up): {ex.Message}",
                ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (State == SshLinkState.Closed)
            {
                return;
            }

            State = SshLinkState.Closed;
            _connected.TrySetException(new ObjectDisposedException(nameof(SshLink)));
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (_probe is not null)
        {
            await _probe.DisposeAsync().ConfigureAwait(false);
        }

        // _lifetime and _forwarding are left to the collector: reconnect and probe tasks still winding down may
        // touch them, and neither holds anything unmanaged here.
        CloseClient(Interlocked.Exchange(ref _client, null));
    }

    private async Task<TForward> AddForwardAsync<TForward>(
        TForward forward, List<TForward> all, Action<TForward, SshClient> open, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Wait for a connection without holding the forward lock: a reconnect needs it to restore the others.
            await CurrentClientAsync(cancellationToken).ConfigureAwait(false);
            await _forwarding.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                SshClient? client;
                lock (_gate)
                {
                    client = State == SshLinkState.Connected ? _client : null;
                }

                if (client is null)
                {
                    continue;
                }

                // Listed first, so that a drop during Open still restores this forward with the others.
                all.Add(forward);
                try
                {
                    open(forward, client);
                }
                catch
                {
                    all.Remove(forward);
                    throw;
                }

                return forward;
            }
            finally
            {
                _forwarding.Release();
            }
        }
    }

    private async Task<SshClient> CurrentClientAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task connected;
            lock (_gate)
            {
                if (State == SshLinkState.Connected && _client is { } client)
                {
                    return client;
                }

                connected = _connected.Task;
            }

            try
            {
                await connected.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new SshTransportException(
                    SshFailure.LinkLost,
                    $"The SSH link to {Server.Display} is {State.ToString().ToLowerInvariant()}: {(_lostBecause ?? ex).Message}",
                    _lostBecause ?? ex);
            }
        }
    }

    private void Attach(SshClient client)
    {
        client.ErrorOccurred += (_, e) => OnDropped(client, e.Exception);
        _client = client;
    }

    /// <summary>
    /// Catches links that died without an error reaching SSH.NET (a box that vanished): a command must round-trip
    /// within the keep-alive interval.
    /// </summary>
    private void Probe()
    {
        var client = _client;
        if (client is null || State != SshLinkState.Connected || Interlocked.Exchange(ref _probing, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                if (!client.IsConnected)
                {
                    OnDropped(client, new SshConnectionException("The connection is closed."));
                    return;
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
                timeout.CancelAfter(Server.KeepAliveInterval + Server.ConnectTimeout);
                using var command = client.CreateCommand("true");
                await command.ExecuteAsync(timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!_lifetime.IsCancellationRequested)
            {
                OnDropped(client, new SshConnectionException($"The link did not answer a liveness probe: {ex.Message}", ex));
            }
            catch (Exception)
            {
                // Disposed meanwhile; nothing to report.
            }
            finally
            {
                Volatile.Write(ref _probing, 0);
            }
        });
    }

    private void OnDropped(SshClient client, Exception error)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(client, _client) || State != SshLinkState.Connected)
            {
                return;
            }

            State = SshLinkState.Reconnecting;
            _client = null;
            _connected = NewSignal();
        }

        // SSH.NET raises errors on its message loop thread, and disposing the client waits for that loop to end:
        // everything else happens on another thread.
        _ = Task.Run(() => ReconnectAsync(client, error));
    }

    private async Task ReconnectAsync(SshClient dropped, Exception lastError)
    {
        _logger.LogWarning(lastError, "SSH link to {Server} dropped; reconnecting", Server.Display);
        CloseClient(dropped);
        Raise(SshLinkState.Reconnecting, 0, lastError);
        var token = _lifetime.Token;
        for (var attempt = 1; _policy.MaxAttempts is not { } max || attempt <= max; attempt++)
        {
            try
            {
                await Task.Delay(_policy.DelayBefore(attempt, _random), _time, token).ConfigureAwait(false);
                var client = await _connector.ConnectAsync(Server, token).ConfigureAwait(false);
                if (!await RestoreForwardsAsync(client, token).ConfigureAwait(false))
                {
                    return;
                }

                lock (_gate)
                {
                    if (State == SshLinkState.Closed)
                    {
                        CloseClient(client);
                        return;
                    }

                    Attach(client);
                    State = SshLinkState.Connected;
                    _connected.TrySetResult();
                }

                _logger.LogInformation("SSH link to {Server} re-established after {Attempts} attempt(s)", Server.Display, attempt);
                Raise(SshLinkState.Connected, attempt, null);
                return;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (SshTransportException ex) when (!ex.IsTransient)
            {
                // A changed host key or a refused user key will not fix itself; retrying would only hide it.
                lastError = ex;
                break;
            }
            catch (Exception ex)
            {
                lastError = ex;
                _logger.LogInformation("Reconnect attempt {Attempt} to {Server} failed: {Reason}", attempt, Server.Display, ex.Message);
                Raise(SshLinkState.Reconnecting, attempt, ex);
            }
        }

        lock (_gate)
        {
            if (State == SshLinkState.Closed)
            {
                return;
            }

            State = SshLinkState.Lost;
            _lostBecause = lastError;
            _connected.TrySetException(lastError);
        }

        _logger.LogError(lastError, "SSH link to {Server} lost for good", Server.Display);
        Raise(SshLinkState.Lost, _policy.MaxAttempts ?? 0, lastError);
    }

    /// <summary>Re-opens every forward on the same ports; false when the link was closed meanwhile.</summary>
    private async Task<bool> RestoreForwardsAsync(SshClient client, CancellationToken token)
    {
        try
        {
            await _forwarding.WaitAsync(token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            CloseClient(client);
            return false;
        }

        try
        {
            foreach (var forward in _localForwards)
            {
                forward.Open(client);
            }

            foreach (var forward in _remoteForwards)
            {
                forward.Open(client);
            }

            return true;
        }
        catch
        {
            CloseClient(client);
            throw;
        }
        finally
        {
            _forwarding.Release();
        }
    }

    private void CloseClient(SshClient? client)
    {
        if (client is null)
        {
            return;
        }

        foreach (var port in client.ForwardedPorts.ToList())
        {
            ForwardedPorts.Close(port);
        }

        client.Dispose();
    }

    private void Raise(SshLinkState state, int attempt, Exception? error)
    {
        try
        {
            StateChanged?.Invoke(this, new SshLinkStateChange(state, attempt, error));
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "A handler of the SSH link state change of {Server} failed", Server.Display);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
