using GpuBench.Provisioning.Transfer;
using Microsoft.Extensions.Time.Testing;

namespace GpuBench.Provisioning.Tests.Transfer;

public sealed class TransferProgressTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<ProvisioningProgress> _reports = [];

    [Fact]
    public void Rate_is_bytes_per_second_and_eta_is_what_is_left_at_that_rate()
    {
        var progress = Tracker(total: 10_000_000, onDisk: 0, interval: TimeSpan.Zero);

        _time.Advance(TimeSpan.FromSeconds(2));
        progress.Add("a.safetensors", 4_000_000);

        var report = Assert.Single(_reports);
        Assert.Equal(2_000_000, report.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(3), report.EstimatedRemaining);
        Assert.Equal(0.4, report.Fraction);
        Assert.Equal("a.safetensors", report.CurrentFile);
    }

    [Fact]
    public void Progress_reads_as_one_line_in_bytes_not_bits()
    {
        var progress = new ProvisioningProgress("org/model", "c0", 1_200_000_000, 4_000_000_000, 2, 8, 105_300_000, TimeSpan.FromSeconds(26.6), "model-00003.safetensors");

        Assert.Equal("1.20 / 4.00 GB (30.0%), 105.3 MB/s, 27 s left, 2/8 files, model-00003.safetensors", progress.ToString());
    }

    [Fact]
    public void Bytes_kept_from_an_earlier_run_count_as_done_but_not_in_the_rate()
    {
        var progress = Tracker(total: 1_000, onDisk: 600, interval: TimeSpan.Zero);

        _time.Advance(TimeSpan.FromSeconds(1));
        progress.Add("a", 100);

        Assert.Equal(700, _reports[^1].BytesDone);
        Assert.Equal(100, _reports[^1].BytesPerSecond);
    }

    [Fact]
    public void Reports_are_throttled_but_file_completions_always_report()
    {
        var progress = Tracker(total: 1_000, onDisk: 0, interval: TimeSpan.FromSeconds(1));

        progress.Add("a", 10);
        progress.Add("a", 10);
        progress.FileDone("a");
        _time.Advance(TimeSpan.FromSeconds(1));
        progress.Add("b", 10);

        Assert.Equal([20L, 30L], _reports.Select(r => r.BytesDone));
        Assert.Equal(1, _reports[0].FilesDone);
    }

    [Fact]
    public void Rate_follows_the_last_seconds_not_the_whole_average()
    {
        var progress = Tracker(total: 100_000, onDisk: 0, interval: TimeSpan.Zero);
        for (var second = 0; second < 10; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            progress.Add("a", second < 5 ? 1_000 : 10_000);
        }

        Assert.InRange(_reports[^1].BytesPerSecond, 9_000, 10_000);
    }

    private TransferProgress Tracker(long total, long onDisk, TimeSpan interval) =>
        new("org/model", "c0", total, onDisk, 2, new Sink(_reports), _time, interval);

    private sealed class Sink(List<ProvisioningProgress> reports) : IProgress<ProvisioningProgress>
    {
        public void Report(ProvisioningProgress value) => reports.Add(value);
    }
}
