using GpuBench.Provisioning.Cache;
using GpuBench.Provisioning.Hub;
using GpuBench.TestSupport.Hub;

namespace GpuBench.Provisioning.Tests;

public sealed class ModelProvisionerFailureTests : ProvisioningTestBase
{
    [Fact]
    public async Task Gated_repository_without_token_says_to_accept_the_licence_or_set_a_token()
    {
        Hub.Add(new HubRepository("acme/gated") { GatedToken = "hf_good" }).Commit("main", TinyFiles);

        var result = await Provisioner().EnsureAsync(Request("acme/gated"), cancellationToken: Cancel);

        Assert.Equal(ProvisioningOutcome.Failed, result.Outcome);
        Assert.Equal(ProvisioningFailureKind.AccessDenied, result.Failure?.Kind);
        Assert.Contains("HTTP 401", result.Failure!.Message, StringComparison.Ordinal);
        Assert.Contains($"accept the licence at {HubEndpointOf(Hub)}/acme/gated", result.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("secrets.hf_token_env", result.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("no token was sent", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gated_repository_with_a_token_lacking_access_says_so()
    {
        Hub.Add(new HubRepository("acme/gated") { GatedToken = "hf_good" }).Commit("main", TinyFiles);

        var result = await Provisioner().EnsureAsync(Request("acme/gated") with { Token = new HubToken("hf_other") }, cancellationToken: Cancel);

        Assert.Equal(ProvisioningFailureKind.AccessDenied, result.Failure?.Kind);
        Assert.Contains("HTTP 403", result.Failure!.Message, StringComparison.Ordinal);
        Assert.Contains("the token sent has no access", result.Failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hf_other", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_repository_is_named_as_not_found()
    {
        var result = await Provisioner().EnsureAsync(Request("acme/no-such-model"), cancellationToken: Cancel);

        Assert.Equal(ProvisioningFailureKind.RepositoryNotFound, result.Failure?.Kind);
        Assert.Contains("model acme/no-such-model not found", result.Failure!.Message, StringComparison.Ordinal);
        Assert.Null(result.Commit);
    }

    [Fact]
    public async Task Missing_revision_is_named_as_not_found()
    {
        var result = await Provisioner().EnsureAsync(Request() with { Revision = "v9" }, cancellationToken: Cancel);

        Assert.Equal(ProvisioningFailureKind.RevisionNotFound, result.Failure?.Kind);
        Assert.Contains("revision 'v9' not found in model acme/tiny-model", result.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listed_file_that_cannot_be_fetched_fails_the_model_while_other_downloads_run()
    {
        Hub.Remove("merges.txt");

        var result = await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);

        Assert.Equal(ProvisioningFailureKind.FileNotFound, result.Failure?.Kind);
        Assert.Contains("merges.txt", result.Failure!.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(RepositoryDirectory, "refs", "main")));
    }

    [Fact]
    public async Task Full_disk_refuses_before_any_transfer_with_needed_and_available_bytes()
    {
        var result = await Provisioner(freeSpace: new FixedFreeSpace(100_000)).EnsureAsync(Request(), cancellationToken: Cancel);

        Assert.Equal(ProvisioningFailureKind.InsufficientDiskSpace, result.Failure?.Kind);
        Assert.Contains($"({WantedBlobBytes} bytes) still to download", result.Failure!.Message, StringComparison.Ordinal);
        Assert.Contains("(100000 bytes) available", result.Failure.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(HfHome, "hub"), result.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, Hub.FileRequestCount);
    }

    [Fact]
    public async Task Free_space_is_checked_against_the_bytes_still_missing_only()
    {
        await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);
        File.Delete(BlobPath("merges.txt"));

        var result = await Provisioner(freeSpace: new FixedFreeSpace(TinyFiles["merges.txt"].Length)).EnsureAsync(Request(), cancellationToken: Cancel);

        Assert.Null(result.Failure);
        Assert.Equal(1, result.FilesDownloaded);
    }

    [Fact]
    public async Task Cache_that_cannot_be_written_is_a_cache_failure_naming_the_path()
    {
        Directory.CreateDirectory(HfHome);
        File.WriteAllText(Path.Combine(HfHome, "hub"), "a file where the hub folder belongs");

        var result = await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);

        Assert.Equal(ProvisioningFailureKind.CacheFailure, result.Failure?.Kind);
        Assert.Contains(HfHome, result.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hub_answering_503_is_retried_with_backoff_until_it_recovers()
    {
        Hub.FailApi(2);

        var result = await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);

        Assert.Null(result.Failure);
        Assert.Equal(2, Hub.Requests.Count(r => r.Status == 503));
        Assert.Equal(3, Hub.Requests.Count(r => r.Path.Contains("/revision/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Hub_that_keeps_failing_gives_a_network_failure_after_the_retries()
    {
        Hub.FailApi(100);

        var result = await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);

        Assert.Equal(ProvisioningFailureKind.NetworkFailure, result.Failure?.Kind);
        Assert.Contains("failed after 3 attempts", result.Failure!.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 503", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_endpoint_gives_a_network_failure_after_the_retries()
    {
        var unreachable = UnreachableEndpoint();

        var result = await Provisioner().EnsureAsync(Request() with { Endpoint = unreachable }, cancellationToken: Cancel);

        Assert.Equal(ProvisioningFailureKind.NetworkFailure, result.Failure?.Kind);
        Assert.Contains($"on {unreachable} failed after 3 attempts", result.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoint_answering_a_web_page_says_it_is_not_the_hub()
    {
        var portal = HubEndpoint.Parse(new Uri(Hub.HubAddress, "portal").ToString());

        var result = await Provisioner().EnsureAsync(Request() with { Endpoint = portal }, cancellationToken: Cancel);

        Assert.Equal(ProvisioningFailureKind.NetworkFailure, result.Failure?.Kind);
        Assert.Contains("answered text/html that is not the Hub's JSON; check HF_ENDPOINT", result.Failure!.Message, StringComparison.Ordinal);
        Assert.Single(Hub.Requests);
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("acme/../../x")]
    [InlineData("a/b/c")]
    [InlineData("")]
    public async Task Model_id_that_is_not_a_repository_id_is_refused_before_any_request(string modelId)
    {
        var result = await Provisioner().EnsureAsync(Request(modelId), cancellationToken: Cancel);

        Assert.Equal(ProvisioningFailureKind.InvalidRequest, result.Failure?.Kind);
        Assert.Empty(Hub.Requests);
    }

    [Fact]
    public async Task Revision_that_climbs_out_of_refs_is_refused()
    {
        var result = await Provisioner().EnsureAsync(Request() with { Revision = "../../x" }, cancellationToken: Cancel);

        Assert.Equal(ProvisioningFailureKind.InvalidRequest, result.Failure?.Kind);
        Assert.Empty(Hub.Requests);
    }

    private sealed class FixedFreeSpace(long bytes) : IFreeSpaceProbe
    {
        public long AvailableBytes(string path) => bytes;
    }
}
