using GpuBench.Core.Contracts;

namespace GpuBench.Agent.Runs;

/// <summary>
/// A run's progress events: every reader gets the history first, then live events until the run ends, so a
/// controller that reconnects misses nothing.
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

    public void Publish(RunProgress progress, bool final = false)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            _events.Add(progress);
            _completed = final;
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    public async IAsyncEnumerable<RunProgress> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
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

            await changed.WaitAsync(cancellationToken);
        }
    }
}
