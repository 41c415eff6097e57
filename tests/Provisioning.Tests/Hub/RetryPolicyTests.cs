using GpuBench.Provisioning.Hub;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GpuBench.Provisioning.Tests.Hub;

public sealed class RetryPolicyTests
{
    private readonly TimerCountingTimeProvider _time = new();
    private int _attempts;

    [Fact]
    public async Task Backoff_doubles_up_to_its_cap_then_the_failure_names_the_attempts_and_last_error()
    {
        var policy = new RetryPolicy(new ProvisioningOptions
        {
            MaxAttempts = 4,
            InitialRetryDelay = TimeSpan.FromSeconds(1),
            MaxRetryDelay = TimeSpan.FromSeconds(3),
        }, _time, NullLogger.Instance);

        var run = policy.ExecuteAsync<bool>("Fetching x", _ =>
        {
            Interlocked.Increment(ref _attempts);
            throw new HttpRequestException("connection refused");
        }, TestContext.Current.CancellationToken);

        // Attempts at 0 s, then after 1 s, 2 s and 3 s (capped, not 4 s).
        foreach (var (wait, expected) in new[] { (0.999, 1), (0.001, 2), (1.999, 2), (0.001, 3), (2.999, 3), (0.001, 4) })
        {
            // The retry's delay must be waiting before the clock moves: a delay that starts later counts from there.
            Assert.True(SpinWait.SpinUntil(() => _time.Timers >= Volatile.Read(ref _attempts), TimeSpan.FromSeconds(10)), "the retry never waited");
            _time.Advance(TimeSpan.FromSeconds(wait));
            Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref _attempts) == expected, TimeSpan.FromSeconds(10)), $"expected attempt {expected}");
            // Give an early retry the chance to show itself before the clock moves on.
            await Task.Delay(50, TestContext.Current.CancellationToken);
            Assert.Equal(expected, Volatile.Read(ref _attempts));
        }

        var failure = await Assert.ThrowsAsync<ProvisioningException>(() => run);
        Assert.Equal(ProvisioningFailureKind.NetworkFailure, failure.Failure.Kind);
        Assert.Equal("Fetching x failed after 4 attempts; last error: connection refused", failure.Message);
    }

    [Fact]
    public async Task Answers_with_meaning_are_not_retried()
    {
        var policy = new RetryPolicy(new ProvisioningOptions(), _time, NullLogger.Instance);

        await Assert.ThrowsAsync<ProvisioningException>(() => policy.ExecuteAsync<bool>("Fetching x", _ =>
        {
            _attempts++;
            throw new ProvisioningException(ProvisioningFailureKind.AccessDenied, "HTTP 401");
        }, TestContext.Current.CancellationToken));

        Assert.Equal(1, _attempts);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_not_retried()
    {
        using var cancel = new CancellationTokenSource();
        var policy = new RetryPolicy(new ProvisioningOptions(), _time, NullLogger.Instance);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => policy.ExecuteAsync<bool>("Fetching x", token =>
        {
            _attempts++;
            cancel.Cancel();
            token.ThrowIfCancellationRequested();
            return Task.FromResult(true);
        }, cancel.Token));

        Assert.Equal(1, _attempts);
    }
}

/// <summary>A fake clock that counts the timers created on it (one per retry delay).</summary>
internal sealed class TimerCountingTimeProvider : FakeTimeProvider
{
    private int _timers;

    public int Timers => Volatile.Read(ref _timers);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _timers);
        return base.CreateTimer(callback, state, dueTime, period);
    }
}
