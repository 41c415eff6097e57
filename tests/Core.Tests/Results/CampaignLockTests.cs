using GpuBench.Core.Results;
using GpuBench.TestSupport;

namespace GpuBench.Core.Tests.Results;

public sealed class CampaignLockTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gpubench-lock-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_held_campaign_folder_is_refused_naming_its_holder_and_free_again_once_released()
    {
        var campaign = Path.Combine(_root, "results", "c");

        using (CampaignLock.Acquire(campaign))
        {
            var error = Assert.Throws<CampaignLockedException>(() => CampaignLock.Acquire(campaign));

            Assert.Contains($"pid {Environment.ProcessId} on host {Environment.MachineName}", error.Message, StringComparison.Ordinal);
            Assert.Contains(campaign, error.Message, StringComparison.Ordinal);
        }

        using var again = CampaignLock.Acquire(campaign);
    }

    [Fact]
    public void A_campaign_folder_that_cannot_be_created_is_a_write_error_naming_it()
    {
        var results = Path.Combine(_root, "results");
        File.WriteAllText(results, "a file where the results folder goes");

        var error = Assert.Throws<RunFolderWriteException>(() => CampaignLock.Acquire(Path.Combine(results, "c")));

        Assert.Contains(Path.Combine(results, "c"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_campaign_folder_nobody_may_write_is_a_write_error_naming_it()
    {
        var campaign = Directory.CreateDirectory(Path.Combine(_root, "results", "c")).FullName;
        using var immutable = ImmutableFolder.Make(campaign);

        var error = Assert.Throws<RunFolderWriteException>(() => CampaignLock.Acquire(campaign));

        Assert.Contains(campaign, error.Message, StringComparison.Ordinal);
    }
}
