using GpuBench.Agent.Runs;
using GpuBench.Core.Contracts;

namespace GpuBench.Agent.Tests.Runs;

public class ProgressFeedTests
{
    private static RunProgress Event(long sequence, RunState state = RunState.Running) =>
        new("r1", sequence, DateTimeOffset.UnixEpoch, state, (int)sequence, 0, 10, 0, 0, null);

    [Fact]
    public async Task A_late_reader_gets_the_history_then_live_events_until_the_final_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var feed = new ProgressFeed();
        feed.Publish(Event(0));
        feed.Publish(Event(1));

        var reading = Task.Run(async () =>
        {
            var seen = new List<long>();
            await foreach (var progress in feed.ReadAllAsync(ct))
            {
                seen.Add(progress.Sequence);
            }

            return seen;
        }, ct);
        feed.Publish(Event(2));
        feed.Publish(Event(3, RunState.Succeeded), final: true);
        feed.Publish(Event(4));

        Assert.Equal([0, 1, 2, 3], await reading.WaitAsync(TimeSpan.FromSeconds(30), ct));
        Assert.Equal(3, feed.Latest!.Sequence);
    }

    [Fact]
    public async Task Events_published_from_many_threads_at_once_are_numbered_one_after_another()
    {
        var ct = TestContext.Current.CancellationToken;
        var feed = new ProgressFeed();

        // Every publisher offers the same number, as publishers that each read the last one would.
        Parallel.For(0, 800, new ParallelOptions { CancellationToken = ct }, _ => feed.Publish(Event(0)));
        feed.Publish(Event(0, RunState.Succeeded), final: true);

        var sequences = new List<long>();
        await foreach (var progress in feed.ReadAllAsync(ct))
        {
            sequences.Add(progress.Sequence);
        }

        Assert.Equal(Enumerable.Range(0, 801).Select(i => (long)i), sequences);
    }

    [Fact]
    public async Task A_quiet_feed_gives_a_heartbeat_per_interval_then_its_events_and_ends()
    {
        var ct = TestContext.Current.CancellationToken;
        var feed = new ProgressFeed();
        feed.Publish(Event(0));
        var seen = new List<long?>();

        await foreach (var progress in feed.ReadAllAsync(TimeSpan.FromMilliseconds(50), ct))
        {
            seen.Add(progress?.Sequence);
            if (seen.Count(s => s is null) == 2)
            {
                feed.Publish(Event(1, RunState.Succeeded), final: true);
            }
        }

        Assert.Equal([0, null, null, 1], seen);
    }
}
