using System.Diagnostics;
using GpuBench.Agent.Processes;

namespace GpuBench.Agent.Tests.Processes;

/// <summary>Stopping a child asks first (SIGTERM), so vLLM can free its shared memory, and kills only after the grace period.</summary>
public sealed class ChildProcessStopTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gpubench-child-stop-").FullName;

    [Fact]
    public async Task A_child_gets_sigterm_and_exits_on_its_own_within_the_grace_period()
    {
        var received = Path.Combine(_directory, "received");
        using var child = Start($"trap 'echo TERM > {received}; exit 0' TERM; echo ready; while :; do sleep 0.1; done");
        await WaitForLogAsync("ready");

        var clock = Stopwatch.StartNew();
        await child.StopAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.Equal("TERM", (await File.ReadAllTextAsync(received, TestContext.Current.CancellationToken)).Trim());
        Assert.Equal(0, child.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_child_that_ignores_sigterm_is_killed_once_the_grace_period_is_over()
    {
        using var child = Start("trap '' TERM; echo ready; while :; do sleep 0.1; done");
        await WaitForLogAsync("ready");

        var clock = Stopwatch.StartNew();
        await child.StopAsync(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        Assert.True(child.HasExited);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"killed after {clock.Elapsed}, before the grace period ended");
    }

    private readonly ChildReaper _reaper = new();

    public void Dispose()
    {
        _reaper.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private string LogPath => Path.Combine(_directory, "child.log");

    private ChildProcess Start(string script) =>
        ChildProcess.Start(["/bin/sh", "-c", script], new Dictionary<string, string>(), new Dictionary<string, string>(), LogPath, Path.Combine(_directory, "records"), _reaper);

    private async Task WaitForLogAsync(string line)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!(File.Exists(LogPath) && (await File.ReadAllTextAsync(LogPath, TestContext.Current.CancellationToken)).Contains(line, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the child never wrote '{line}'");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
