using GpuBench.Controller.Campaigns;
using GpuBench.Core.Results;

namespace GpuBench.Controller.Tests.Campaigns;

public sealed class LocalFileStreamTests
{
    [Fact]
    public async Task A_full_disk_under_a_download_is_a_local_write_error_not_an_io_error_of_the_link()
    {
        // /dev/full answers every write with ENOSPC, as a full disk does, root or not.
        GpuBench.TestSupport.Prerequisite.Require(File.Exists("/dev/full"), "no /dev/full on this system");
        var stream = LocalFileStream.Create("/dev/full");
        await using (stream)
        {
            var error = await Assert.ThrowsAsync<RunFolderWriteException>(() => new MemoryStream(new byte[4096]).CopyToAsync(stream, TestContext.Current.CancellationToken));

            Assert.Equal("/dev/full", error.Path);
            Assert.IsAssignableFrom<IOException>(error.InnerException);
        }
    }
}
