using System.Security.Cryptography;
using System.Text;
using GpuBench.Agent.Datasets;
using GpuBench.Agent.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Tests.Datasets;

public sealed class DatasetStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gpubench-datasets-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private DatasetStore Store() => new(Options.Create(new AgentOptions { DataDirectory = _directory }), NullLogger<DatasetStore>.Instance);

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    [Fact]
    public async Task A_file_is_kept_under_its_hash_and_found_again_by_a_new_store()
    {
        var content = Encoding.UTF8.GetBytes("""[{"conversations": []}]""");
        var sha = Sha256(content);

        Assert.True(await Store().SaveAsync(sha, new MemoryStream(content), TestContext.Current.CancellationToken));

        var path = Store().Find(sha);
        Assert.NotNull(path);
        Assert.Equal(content, await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Content_that_does_not_match_its_hash_is_refused_and_nothing_is_left()
    {
        var sha = Sha256(Encoding.UTF8.GetBytes("what was meant"));

        Assert.False(await Store().SaveAsync(sha, new MemoryStream(Encoding.UTF8.GetBytes("what arrived")), TestContext.Current.CancellationToken));

        Assert.Null(Store().Find(sha));
        Assert.Empty(Directory.EnumerateFiles(Store().Directory));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("ABCDEF")]
    public void Only_sha256_names_are_looked_up(string name) => Assert.Null(Store().Find(name));
}
