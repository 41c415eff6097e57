namespace GpuBench.Controller.Ssh;

/// <summary>Why a box could not be reached or used over SSH.</summary>
public enum SshFailure
{
    /// <summary>No SSH server answered at host:port (refused, timed out, no route).</summary>
    Unreachable,

    /// <summary>The server's host key was not accepted; never retried.</summary>
    HostKeyRejected,

    /// <summary>The server refused the user's key; never retried.</summary>
    AuthenticationFailed,

    /// <summary>The private key file is missing, unreadable or needs a passphrase that was not given.</summary>
    KeyFile,

    /// <summary>The link dropped and could not be re-established.</summary>
    LinkLost,

    /// <summary>A remote command failed.</summary>
    RemoteCommand,
}

/// <summary>A failure to reach or use a box over SSH, with a message that says what to change.</summary>
public sealed class SshTransportException : Exception
{
    public SshTransportException(SshFailure failure, string message, Exception? innerException = null)
        : base(message, innerException) => Failure = failure;

    public SshFailure Failure { get; }

    /// <summary>Whether trying again later can help (a network problem) or cannot (a key or configuration problem).</summary>
    public bool IsTransient => Failure is SshFailure.Unreachable or SshFailure.LinkLost;
}
