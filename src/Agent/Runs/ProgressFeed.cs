using GpuBench.Core.Contracts;

namespace GpuBench.Agent.Runs;

/// <summary>
/// A run's progress events: every reader gets the history first, then live events until the run ends, so a
/// controller that reconnects misses nothing. The feed numbers the events itself: they are published from several
/// threads at once (a <see cref="Progress{T}"/> reports on the thread pool), so a publisher reading the last number
/// and adding one would hand out the same number twice.
/// </summary>
public sealed class ProgressFeed
{
    private readonly Lock _lock = new();
    private readonly List<RunProgress> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _completed;

    public RunProgress? Latest
    {
        get
        {
            lock (_lock)
            {
                return _events.Count == 0 ? null : _events[^1];
            }
        }
    }

    /// <summary>Adds <paramref name="progress"/> as the next event, whatever its <see cref="RunProgress.Sequence"/> said.</summary>
    public void Publish(RunProgress progress, bool final = false)
    {
        ArgumentNullException.ThrowIfNull(progress);
        TaskCompletionSource changed;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            _events.Add(progress with { Sequence = _events.Count });
            _completed = final;
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    public async IAsyncEnumerable<RunProgress> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var progress in ReadAllAsync(Timeout.InfiniteTimeSpan, cancellationToken))
        {
            yield return progress!;
        }
    }

    /// <summary>
    /// The history, then live events until the run ends, with a null whenever <paramref name="heartbeat"/> passes
    /// without one: a reader can tell a quiet run (a long request) from a dead connection.
    /// </summary>
    public async IAsyncEnumerable<RunProgress?> ReadAllAsync(TimeSpan heartbeat, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = 0;
        while (true)
        {
            RunProgress[] batch;
            Task changed;
            bool completed;
            lock (_lock)
            {
                batch = [.. _events.Skip(next)];
                changed = _changed.Task;
                completed = _completed;
            }

            foreach (var progress in batch)
            {
                yield return progress;
            }

            next += batch.Length;
            if (completed)
            {
                yield break;
            }

            var quiet = false;
            try
            {
                await changed.WaitAsync(heartbeat, cancellationToken);
            }
            catch (TimeoutException)
            {
                quiet = true;
            }

            if (quiet)
            {
                yield return null;
            }
        }
    }
}
