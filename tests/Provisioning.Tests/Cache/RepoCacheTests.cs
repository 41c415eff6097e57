using GpuBench.Provisioning.Cache;
using GpuBench.Provisioning.Hub;

namespace GpuBench.Provisioning.Tests.Cache;

public sealed class RepoCacheTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "gpubench-cache-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("Qwen/Qwen3-8B", "models--Qwen--Qwen3-8B")]
    [InlineData("gpt2", "models--gpt2")]
    public void Folder_is_named_as_huggingface_hub_names_it(string id, string folder) =>
        Assert.Equal(folder, RepoCache.FolderName(id));

    [Fact]
    public void Link_replaces_whatever_stood_at_the_snapshot_path()
    {
        var cache = new RepoCache(_home, "org/name");
        var file = new HubFile("sub/config.json", 2, new string('a', 40), null);
        Directory.CreateDirectory(cache.BlobsDirectory);
        File.WriteAllText(cache.BlobPath(file.BlobId), "{}");
        Directory.CreateDirectory(Path.GetDirectoryName(cache.SnapshotPath("c0", file.Path))!);
        File.WriteAllText(cache.SnapshotPath("c0", file.Path), "stale copy");

        cache.Link("c0", file);

        Assert.True(cache.IsLinked("c0", file));
        Assert.Equal("../../../blobs/" + file.BlobId, new FileInfo(cache.SnapshotPath("c0", file.Path)).LinkTarget);
        Assert.Equal("{}", File.ReadAllText(cache.SnapshotPath("c0", file.Path)));
        Assert.Single(Directory.GetFileSystemEntries(Path.GetDirectoryName(cache.SnapshotPath("c0", file.Path))!));
    }

    [Fact]
    public void Ref_holds_the_commit_without_a_newline_and_nested_refs_work()
    {
        var cache = new RepoCache(_home, "org/name");

        cache.WriteRef("refs/pr/1", "0123456789abcdef0123456789abcdef01234567");

        Assert.Equal("0123456789abcdef0123456789abcdef01234567", File.ReadAllText(Path.Combine(cache.RepositoryDirectory, "refs", "refs", "pr", "1")));
    }

    [Fact]
    public void Free_space_of_a_path_not_yet_created_is_that_of_its_nearest_folder() =>
        Assert.True(new DriveFreeSpaceProbe().AvailableBytes(Path.Combine(_home, "hub", "models--x", "blobs")) > 0);

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }
}
