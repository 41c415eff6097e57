using GpuBench.TestSupport.Hub;

namespace GpuBench.Provisioning.Tests;

public sealed class ModelProvisionerLayoutTests : ProvisioningTestBase
{
    [Fact]
    public async Task Empty_cache_gets_huggingface_hub_layout_with_relative_links_and_a_ref()
    {
        var result = await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);

        Assert.Null(result.Failure);
        Assert.Equal(ProvisioningOutcome.Downloaded, result.Outcome);
        Assert.Equal(TinyCommit, result.Commit);
        Assert.Equal(Path.Combine(RepositoryDirectory, "snapshots", TinyCommit), result.SnapshotPath);
        Assert.Equal(TinyCommit, File.ReadAllText(Path.Combine(RepositoryDirectory, "refs", "main")));
        foreach (var (path, content) in WantedFiles)
        {
            var link = new FileInfo(SnapshotPath(TinyCommit, path));
            var depth = path.Count(c => c == '/');
            var expectedTarget = string.Concat(Enumerable.Repeat("../", depth + 2)) + "blobs/" + HubRepository.BlobId(path, content);
            Assert.Equal(expectedTarget, link.LinkTarget);
            Assert.Equal(content, File.ReadAllBytes(link.FullName));
        }

        Assert.Equal(HubRepository.Sha256(TinyFiles["model-00001-of-00002.safetensors"]),
            Path.GetFileName(BlobPath("model-00001-of-00002.safetensors")));
        Assert.False(File.Exists(SnapshotPath(TinyCommit, "README.md")));
        Assert.False(File.Exists(SnapshotPath(TinyCommit, "pytorch_model.bin")));
        Assert.Empty(Directory.GetFiles(Path.Combine(RepositoryDirectory, "blobs"), "*.incomplete"));
        Assert.Equal(WantedFiles.Count(), result.FileCount);
        Assert.Equal(WantedBytes, result.TotalBytes);
        Assert.Equal(WantedBlobBytes, result.BytesDownloaded);
    }

    [Fact]
    public async Task Second_provisioning_transfers_no_file()
    {
        await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);
        var before = Hub.Requests.Count;

        var again = await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);

        var after = Hub.Requests.Skip(before).ToArray();
        Assert.Equal(ProvisioningOutcome.AlreadyPresent, again.Outcome);
        Assert.Equal(0, again.BytesDownloaded);
        Assert.Equal(0, again.FilesDownloaded);
        Assert.Equal(TinyCommit, again.Commit);
        Assert.All(after, r => Assert.StartsWith("/api/models/", r.Path, StringComparison.Ordinal));
        Assert.Contains(after, r => r.Path.Contains("/revision/main", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_snapshot_link_is_restored_from_its_blob_without_transfer()
    {
        await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);
        File.Delete(SnapshotPath(TinyCommit, "config.json"));
        var before = Hub.FileRequestCount;

        var again = await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);

        Assert.Equal(ProvisioningOutcome.AlreadyPresent, again.Outcome);
        Assert.Equal(before, Hub.FileRequestCount);
        Assert.Equal(TinyFiles["config.json"], File.ReadAllBytes(SnapshotPath(TinyCommit, "config.json")));
    }

    [Fact]
    public async Task Moved_branch_fetches_only_the_changed_file_and_moves_the_ref()
    {
        await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);
        var changed = new Dictionary<string, byte[]>(TinyFiles) { ["model-00002-of-00002.safetensors"] = HubRepository.Bytes(300_000, 42) };
        var newCommit = Tiny.Commit("main", changed);
        var before = Hub.Requests.Count;

        var result = await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);

        Assert.Equal(newCommit, result.Commit);
        Assert.Equal(1, result.FilesDownloaded);
        Assert.Equal(300_000, result.BytesDownloaded);
        Assert.Equal(newCommit, File.ReadAllText(Path.Combine(RepositoryDirectory, "refs", "main")));
        Assert.Equal(changed["model-00002-of-00002.safetensors"], File.ReadAllBytes(SnapshotPath(newCommit, "model-00002-of-00002.safetensors")));
        Assert.Equal(TinyFiles["model-00002-of-00002.safetensors"], File.ReadAllBytes(SnapshotPath(TinyCommit, "model-00002-of-00002.safetensors")));
        Assert.Single(Hub.Requests.Skip(before), r => r.Server == "cdn");
    }

    [Fact]
    public async Task Revision_given_as_commit_writes_no_ref()
    {
        var result = await Provisioner().EnsureAsync(Request() with { Revision = TinyCommit }, cancellationToken: Cancel);

        Assert.Equal(TinyCommit, result.Commit);
        Assert.False(Directory.Exists(Path.Combine(RepositoryDirectory, "refs")));
        Assert.True(File.Exists(SnapshotPath(TinyCommit, "config.json")));
    }

    [Fact]
    public async Task File_patterns_from_the_request_replace_the_engine_defaults()
    {
        var result = await Provisioner().EnsureAsync(Request() with { FilePatterns = ["config.json", "original/"] }, cancellationToken: Cancel);

        Assert.Equal(3, result.FileCount);
        Assert.Equal(["config.json", "original"],
            Directory.GetFileSystemEntries(result.SnapshotPath!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(Hub.Requests, r => r.Server == "cdn");
    }

    [Fact]
    public async Task Patterns_matching_nothing_fail_with_the_patterns_named()
    {
        var result = await Provisioner().EnsureAsync(Request() with { FilePatterns = ["*.gguf"] }, cancellationToken: Cancel);

        Assert.Equal(ProvisioningFailureKind.NoMatchingFiles, result.Failure?.Kind);
        Assert.Contains("*.gguf", result.Failure!.Message, StringComparison.Ordinal);
        Assert.Equal(TinyCommit, result.Commit);
    }
}
