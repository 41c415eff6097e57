namespace GpuBench.Core.Runtime;

/// <summary>
/// Makes socket completions run on the runtime's epoll threads (one per core) instead of being queued to the
/// thread pool, so the load generator's Stopwatch stamp follows the bytes' arrival without a queue in between;
/// it also cuts the client's CPU per chunk by about two thirds at 1,000 streams (bench/ClientFidelity/README.md); in the gateway it removes a hop per forwarded chunk (bench/GatewayOverhead/README.md).
/// The runtime reads only the environment variable, once, when the first socket is created: call
/// <see cref="Enable"/> at the start of the process, before any socket. The continuations this runs inline
/// (SSE parsing, record building) never block.
/// </summary>
public static class InlineSocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Sets the variable unless the user set it (to anything, "0" included); true when it is now "1".</summary>
    public static bool Enable()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }

        return Environment.GetEnvironmentVariable(Variable) == "1";
    }
}
