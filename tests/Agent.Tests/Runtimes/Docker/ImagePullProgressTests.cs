using Docker.DotNet.Models;
using GpuBench.Agent.Runtimes.Docker;
using GpuBench.Core.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace GpuBench.Agent.Tests.Runtimes.Docker;

/// <summary>The daemon's pull messages, as `docker pull` receives them, folded into bytes as provisioning reports them.</summary>
public class ImagePullProgressTests
{
    [Fact]
    public void Layer_messages_become_bytes_done_of_bytes_known_with_a_rate_and_an_estimate()
    {
        var time = new FakeTimeProvider();
        var reports = new List<ProvisioningTransfer>();
        var progress = new ImagePullProgress(time, reports.Add);

        progress.Report(new JSONMessage { ID = "a", Status = "Pulling fs layer" });
        progress.Report(new JSONMessage { ID = "b", Status = "Already exists" });
        time.Advance(TimeSpan.FromSeconds(10));
        progress.Report(new JSONMessage { ID = "a", Status = "Downloading", Progress = new JSONProgress { Current = 500_000_000, Total = 2_000_000_000 } });

        var last = reports[^1];
        Assert.Equal((500_000_000L, 2_000_000_000L), (last.BytesDone, last.BytesTotal));
        Assert.Equal(50_000_000, last.BytesPerSecond);
        Assert.Equal(30, last.SecondsLeft);
        Assert.Equal((1, 2), (last.FilesDone, last.FilesTotal));
        Assert.Equal("0.50 / 2.00 GB, 50.0 MB/s, 30 s left, 1/2 layers", last.Text);
        Assert.Null(progress.Error);
    }

    [Fact]
    public void An_error_in_the_stream_is_kept_as_the_daemons_text()
    {
        var progress = new ImagePullProgress(TimeProvider.System, _ => { });

        progress.Report(new JSONMessage { Error = new JSONError { Message = "toomanyrequests: You have reached your pull rate limit." } });
        progress.Report(new JSONMessage { Error = new JSONError { Message = "a later error" } });

        Assert.Equal("toomanyrequests: You have reached your pull rate limit.", progress.Error);
    }
}
