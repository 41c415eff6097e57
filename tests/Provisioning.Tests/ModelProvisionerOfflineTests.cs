using GpuBench.Provisioning.Hub;
using GpuBench.TestSupport.Hub;

namespace GpuBench.Provisioning.Tests;

public sealed class ModelProvisionerOfflineTests : ProvisioningTestBase
{
    [Fact]
    public async Task Offline_request_takes_a_whole_cached_snapshot_without_asking_the_hub()
    {
        await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);
        var before = Hub.Requests.Count;

        var result = await Provisioner().EnsureAsync(Request() with { Offline = true }, cancellationToken: Cancel);

        Assert.Equal(ProvisioningOutcome.AlreadyPresent, result.Outcome);
        Assert.True(result.FromCacheOnly);
        Assert.Equal(TinyCommit, result.Commit);
        Assert.Equal(WantedFiles.Count(), result.FileCount);
        Assert.Equal(WantedBytes, result.TotalBytes);
        Assert.Equal(before, Hub.Requests.Count);
    }

    [Fact]
    public async Task Unreachable_hub_falls_back_to_a_whole_cached_snapshot()
    {
        await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);

        var result = await Provisioner().EnsureAsync(Request() with { Endpoint = UnreachableEndpoint() }, cancellationToken: Cancel);

        Assert.Null(result.Failure);
        Assert.True(result.FromCacheOnly);
        Assert.Equal(TinyCommit, result.Commit);
    }

    [Fact]
    public async Task Offline_with_nothing_cached_says_the_model_is_not_cached()
    {
        var result = await Provisioner().EnsureAsync(Request() with { Offline = true }, cancellationToken: Cancel);

        Assert.Equal(ProvisioningFailureKind.NotCached, result.Failure?.Kind);
        Assert.Contains("no whole snapshot of model acme/tiny-model at 'main'", result.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offline_snapshot_with_a_missing_blob_is_not_taken()
    {
        await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);
        File.Delete(BlobPath("tokenizer.json"));

        var result = await Provisioner().EnsureAsync(Request() with { Offline = true }, cancellationToken: Cancel);

        Assert.Equal(ProvisioningFailureKind.NotCached, result.Failure?.Kind);
    }

    [Fact]
    public async Task Hub_refusing_access_is_not_overridden_by_the_cache()
    {
        Hub.Add(new HubRepository("acme/gated") { GatedToken = "hf_good" }).Commit("main", TinyFiles);
        await Provisioner().EnsureAsync(Request("acme/gated") with { Token = new HubToken("hf_good") }, cancellationToken: Cancel);

        var result = await Provisioner().EnsureAsync(Request("acme/gated"), cancellationToken: Cancel);

        Assert.Equal(ProvisioningFailureKind.AccessDenied, result.Failure?.Kind);
    }
}
