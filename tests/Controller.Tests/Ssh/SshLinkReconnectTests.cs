using System.Threading.Channels;
using GpuBench.Controller.Ssh;
using GpuBench.TestSupport;

namespace GpuBench.Controller.Tests.Ssh;

/// <summary>Cuts links on purpose, so it has an sshd of its own.</summary>
public sealed class SshLinkReconnectTests(SshdFixture sshd) : IClassFixture<SshdFixture>
{
    private static readonly ReconnectPolicy Fast = new()
    {
        InitialDelay = TimeSpan.FromMilliseconds(200),
        MaxDelay = TimeSpan.FromSeconds(2),
        MaxAttempts = 30,
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Killed_session_is_reconnected_and_both_forwards_work_again_on_the_same_ports()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        await using var onBox = await LoopbackHttpServer.StartAsync("agent");
        await using var dashboard = await LoopbackHttpServer.StartAsync("dashboard");
        await using var link = await sshd.LinkAsync(Fast);
        var states = Watch(link);
        var local = await link.ForwardLocalAsync(onBox.Port, Ct);
        var remote = await link.ForwardRemoteAsync(dashboard.Port, Ct);
        var (localPort, boxPort) = (local.LocalPort, remote.BoxPort);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal("agent", await http.GetStringAsync(local.Uri, Ct));

        Assert.True(sshd.KillSessions() > 0);

        Assert.Equal(SshLinkState.Reconnecting, (await NextAsync(states)).State);
        var reconnected = await UntilAsync(states, SshLinkState.Connected);
        Assert.InRange(reconnected.Attempt, 1, Fast.MaxAttempts!.Value);
        Assert.Equal(SshLinkState.Connected, link.State);
        Assert.Equal(localPort, local.LocalPort);
        Assert.Equal(boxPort, remote.BoxPort);
        Assert.Equal("agent", await http.GetStringAsync(local.Uri, Ct));
        Assert.Contains("dashboard", await PortForwardTests.FetchFromBoxAsync(link, remote.BoxPort), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_that_stops_answering_without_closing_is_caught_by_the_liveness_probe_and_replaced()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var options = (await sshd.PinnedOptionsAsync()) with
        {
            KeepAliveInterval = TimeSpan.FromSeconds(1),
            ConnectTimeout = TimeSpan.FromSeconds(3),
        };
        await using var link = await sshd.LinkAsync(Fast, options);
        var states = Watch(link);

        var frozen = await sshd.FreezeSessionsAsync();
        try
        {
            Assert.NotEmpty(frozen);
            var dropped = await UntilAsync(states, SshLinkState.Reconnecting);
            Assert.Contains("liveness probe", dropped.Error!.Message, StringComparison.Ordinal);
            await UntilAsync(states, SshLinkState.Connected);

            Assert.Equal("alive\n", (await link.RunAsync(["echo", "alive"], Ct)).Output);
        }
        finally
        {
            SshdFixture.KillFrozen(frozen);
        }
    }

    [Fact]
    public async Task Command_cut_mid_run_fails_as_a_transient_link_loss_and_the_next_one_runs_after_the_reconnect()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        await using var link = await sshd.LinkAsync(Fast);
        var states = Watch(link);
        var marker = sshd.PathOf($"started-{Guid.NewGuid():N}");
        var running = link.RunAsync(["sh", "-c", "touch \"$1\"; sleep 60", "sh", marker], Ct);
        while (!File.Exists(marker))
        {
            await Task.Delay(50, Ct);
        }

        sshd.KillSessions();

        var error = await Assert.ThrowsAsync<SshTransportException>(() => running.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(SshFailure.LinkLost, error.Failure);
        Assert.True(error.IsTransient);
        await link.WaitUntilConnectedAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.Equal("after\n", (await link.RunAsync(["echo", "after"], Ct)).Output);
        // The link wakes its waiters before it raises Connected, so the event may still be on its way.
        await UntilAsync(states, SshLinkState.Connected);
    }

    [Fact]
    public async Task Command_issued_while_the_server_restarts_waits_for_the_reconnect_and_then_runs()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        await using var link = await sshd.LinkAsync(Fast);
        var states = Watch(link);

        await sshd.StopAsync();
        try
        {
            await UntilAsync(states, SshLinkState.Reconnecting);
            var pending = link.RunAsync(["echo", "result picked up"], Ct);
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
            Assert.False(pending.IsCompleted);

            await sshd.StartAsync(Ct);

            Assert.Equal("result picked up\n", (await pending.WaitAsync(TimeSpan.FromSeconds(60), Ct)).Output);
            Assert.Equal(SshLinkState.Connected, link.State);
        }
        finally
        {
            await EnsureRunningAsync();
        }
    }

    [Fact]
    public async Task Link_is_declared_lost_when_the_server_stays_away_and_waiters_are_told_why()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        await using var link = await sshd.LinkAsync(Fast with { MaxAttempts = 2, MaxDelay = TimeSpan.FromMilliseconds(300) });
        var states = Watch(link);

        await sshd.StopAsync();
        try
        {
            var lost = await UntilAsync(states, SshLinkState.Lost);

            Assert.IsType<SshTransportException>(lost.Error);
            var error = await Assert.ThrowsAsync<SshTransportException>(() => link.WaitUntilConnectedAsync(Ct));
            Assert.Equal(SshFailure.LinkLost, error.Failure);
            Assert.Contains($"127.0.0.1:{sshd.Port}", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await EnsureRunningAsync();
        }
    }

    private async Task EnsureRunningAsync()
    {
        await sshd.StopAsync();
        await sshd.StartAsync(CancellationToken.None);
    }

    private static ChannelReader<SshLinkStateChange> Watch(SshLink link)
    {
        var channel = Channel.CreateUnbounded<SshLinkStateChange>();
        link.StateChanged += (_, change) => channel.Writer.TryWrite(change);
        return channel.Reader;
    }

    private static async Task<SshLinkStateChange> NextAsync(ChannelReader<SshLinkStateChange> states) =>
        await states.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(60), Ct);

    private static async Task<SshLinkStateChange> UntilAsync(ChannelReader<SshLinkStateChange> states, SshLinkState state)
    {
        while (true)
        {
            var change = await NextAsync(states);
            if (change.State == state)
            {
                return change;
            }
        }
    }
}
