using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace GpuBench.Provisioning.Hub;

/// <summary>
/// Retries network failures and 5xx/429 answers with exponential backoff; anything the Hub answered with
/// meaning (401, 404, …) fails at once. After the last attempt the failure says what was tried and the last error.
/// </summary>
internal sealed class RetryPolicy(ProvisioningOptions options, TimeProvider time, ILogger logger)
{
    public async Task<T> ExecuteAsync<T>(string what, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        var delay = options.InitialRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                var kind = ex is TransientFailureException t ? t.Kind : ProvisioningFailureKind.NetworkFailure;
                if (attempt >= options.MaxAttempts)
                {
                    throw new ProvisioningException(kind, $"{what} failed after {attempt} attempts; last error: {Describe(ex)}");
                }

                logger.LogWarning("{What} failed (attempt {Attempt} of {MaxAttempts}): {Error}; retrying in {Delay}",
                    what, attempt, options.MaxAttempts, Describe(ex), delay);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxRetryDelay.Ticks));
            }
        }
    }

    private static bool IsTransient(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        TransientFailureException or HttpRequestException or IOException or SocketException => true,
        // A stalled transfer is cancelled by its own timer, not by the caller.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private static string Describe(Exception ex) => ex switch
    {
        OperationCanceledException => "no data within the stall timeout",
        _ when ex.InnerException is { } inner && ex is HttpRequestException => $"{ex.Message} ({inner.Message})",
        _ => ex.Message,
    };
}
