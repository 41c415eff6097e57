using GpuBench.Agent.Processes;

namespace GpuBench.Agent.Tests.Processes;

public sealed class LogTailTests : IDisposable
{
    private readonly string _path = Path.Combine(Directory.CreateTempSubdirectory("gpubench-logtail-").FullName, "engine.log");

    [Fact]
    public async Task The_tail_of_a_log_far_larger_than_what_is_read_is_its_last_lines()
    {
        await using (var writer = new StreamWriter(_path))
        {
            var filler = new string('x', 1000);
            for (var i = 0; i < 40_000; i++)
            {
                await writer.WriteLineAsync($"{i} {filler}");
            }

            await writer.WriteAsync("last line\r\n\nreally the last");
        }

        Assert.True(new FileInfo(_path).Length > 2 * LogTail.MaxBytes);

        var tail = await LogTail.ReadAsync(_path, 3, TestContext.Current.CancellationToken);
        var many = (await LogTail.ReadAsync(_path, 100_000, TestContext.Current.CancellationToken)).Split('\n');

        Assert.Equal($"39999 {new string('x', 1000)}\nlast line\nreally the last", tail);
        // However many lines are asked for, at most MaxBytes are read, and only whole lines come back.
        Assert.InRange(many.Length, 16_000, 17_000);
        Assert.All(many[..^2], l => Assert.EndsWith(new string('x', 1000), l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_short_log_comes_back_whole_and_a_missing_one_empty()
    {
        await File.WriteAllTextAsync(_path, "one\ntwo\n", TestContext.Current.CancellationToken);

        Assert.Equal("one\ntwo", await LogTail.ReadAsync(_path, 10, TestContext.Current.CancellationToken));
        Assert.Equal("two", await LogTail.ReadAsync(_path, 1, TestContext.Current.CancellationToken));
        Assert.Equal("", await LogTail.ReadAsync(_path + ".none", 10, TestContext.Current.CancellationToken));
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
}
