using System.Globalization;
using GpuBench.Provisioning.Hub;
using GpuBench.TestSupport.Hub;

namespace GpuBench.Provisioning.Tests;

public sealed class ModelProvisionerTransferTests : ProvisioningTestBase
{
    private const string Shard = "model-00001-of-00002.safetensors";

    [Fact]
    public async Task Download_cut_off_halfway_resumes_with_a_range_request_from_where_it_stopped()
    {
        Hub.CutOnce(Shard, 250_000);

        var result = await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);

        Assert.Null(result.Failure);
        var bodies = Hub.BodyRequests(Shard);
        Assert.Equal(2, bodies.Count);
        Assert.Null(bodies[0].Range);
        Assert.Equal(250_000, bodies[0].BodyBytes);
        var resumedAt = long.Parse(bodies[1].Range!["bytes=".Length..^1], CultureInfo.InvariantCulture);
        Assert.Equal($"bytes={resumedAt}-", bodies[1].Range);
        Assert.InRange(resumedAt, 1, 250_000);
        Assert.Equal(206, bodies[1].Status);
        Assert.Equal(TinyFiles[Shard].Length - resumedAt, bodies[1].BodyBytes);
        // Every blob once, plus nothing but the bytes the client kept before the cut.
        Assert.Equal(WantedBlobBytes, result.BytesDownloaded);
        Assert.Equal(TinyFiles[Shard], File.ReadAllBytes(SnapshotPath(TinyCommit, Shard)));
    }

    [Theory]
    [InlineData(Shard)]
    [InlineData("tokenizer.json")]
    public async Task Body_ending_early_without_error_is_resumed_from_its_last_byte(string path)
    {
        Hub.EndEarlyOnce(path, 1_234);

        var result = await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);

        Assert.Null(result.Failure);
        Assert.Equal([null, "bytes=1234-"], Hub.BodyRequests(path).Select(b => b.Range));
        Assert.Equal(WantedBlobBytes, result.BytesDownloaded);
        Assert.Equal(TinyFiles[path], File.ReadAllBytes(SnapshotPath(TinyCommit, path)));
    }

    [Fact]
    public async Task Partial_blob_left_by_an_earlier_run_is_resumed_and_hashed_whole()
    {
        var content = TinyFiles[Shard];
        Directory.CreateDirectory(Path.GetDirectoryName(BlobPath(Shard))!);
        File.WriteAllBytes(BlobPath(Shard) + ".incomplete", content[..400_000]);

        var result = await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);

        var body = Assert.Single(Hub.BodyRequests(Shard));
        Assert.Equal("bytes=400000-", body.Range);
        Assert.Equal(content.Length - 400_000, body.BodyBytes);
        Assert.Equal(WantedBlobBytes - 400_000, result.BytesDownloaded);
        Assert.Equal(content, File.ReadAllBytes(BlobPath(Shard)));
        Assert.False(File.Exists(BlobPath(Shard) + ".incomplete"));
    }

    [Fact]
    public async Task Partial_blob_with_wrong_bytes_fails_its_hash_and_is_fetched_whole()
    {
        var content = TinyFiles[Shard];
        Directory.CreateDirectory(Path.GetDirectoryName(BlobPath(Shard))!);
        File.WriteAllBytes(BlobPath(Shard) + ".incomplete", new byte[400_000]);

        var result = await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);

        Assert.Null(result.Failure);
        var bodies = Hub.BodyRequests(Shard);
        Assert.Equal(["bytes=400000-", null], bodies.Select(b => b.Range));
        Assert.Equal(content, File.ReadAllBytes(BlobPath(Shard)));
    }

    [Fact]
    public async Task Truncated_blob_in_the_cache_is_detected_and_fetched_again()
    {
        await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);
        File.WriteAllBytes(BlobPath(Shard), TinyFiles[Shard][..1000]);

        var result = await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);

        Assert.Equal(ProvisioningOutcome.Downloaded, result.Outcome);
        Assert.Equal(1, result.FilesDownloaded);
        Assert.Equal(TinyFiles[Shard], File.ReadAllBytes(SnapshotPath(TinyCommit, Shard)));
    }

    [Fact]
    public async Task Same_size_corruption_in_the_cache_is_found_when_existing_files_are_verified()
    {
        await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);
        var corrupted = TinyFiles[Shard].ToArray();
        corrupted[12_345] ^= 0x01;
        File.WriteAllBytes(BlobPath(Shard), corrupted);

        var sizeOnly = await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);
        var verified = await Provisioner(FastOptions with { VerifyExistingFiles = true }).EnsureAsync(Request(), cancellationToken: Cancel);

        Assert.Equal(ProvisioningOutcome.AlreadyPresent, sizeOnly.Outcome);
        Assert.Equal(ProvisioningOutcome.Downloaded, verified.Outcome);
        Assert.Equal(1, verified.FilesDownloaded);
        Assert.Equal(TinyFiles[Shard], File.ReadAllBytes(SnapshotPath(TinyCommit, Shard)));
    }

    [Theory]
    [InlineData(Shard)]
    [InlineData("tokenizer.json")]
    public async Task File_arriving_corrupted_fails_its_hash_and_is_fetched_again(string path)
    {
        Hub.Corrupt(path);

        var result = await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);

        Assert.Null(result.Failure);
        Assert.Equal(2, Hub.BodyRequests(path).Count);
        Assert.Equal(TinyFiles[path], File.ReadAllBytes(SnapshotPath(TinyCommit, path)));
    }

    [Fact]
    public async Task File_that_never_arrives_intact_fails_as_an_integrity_failure()
    {
        Hub.Corrupt(Shard, times: 100);

        var result = await Provisioner().EnsureAsync(Request(), cancellationToken: Cancel);

        Assert.Equal(ProvisioningFailureKind.IntegrityFailure, result.Failure?.Kind);
        Assert.Contains(Shard, result.Failure!.Message, StringComparison.Ordinal);
        Assert.Contains("after 3 attempts", result.Failure.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(BlobPath(Shard)));
        Assert.False(Directory.Exists(Path.Combine(RepositoryDirectory, "refs")));
    }

    [Fact]
    public async Task Token_goes_to_the_endpoint_and_never_to_the_cdn_it_redirects_to()
    {
        Hub.Add(new HubRepository("acme/gated") { GatedToken = "hf_secret" }).Commit("main", TinyFiles);

        var result = await Provisioner().EnsureAsync(Request("acme/gated") with { Token = new HubToken("hf_secret") }, cancellationToken: Cancel);

        Assert.Null(result.Failure);
        Assert.All(Hub.Requests.Where(r => r.Server == "hub"), r => Assert.Equal("Bearer hf_secret", r.Authorization));
        var cdn = Hub.Requests.Where(r => r.Server == "cdn").ToArray();
        Assert.NotEmpty(cdn);
        Assert.All(cdn, r => Assert.Null(r.Authorization));
        Assert.DoesNotContain("hf_secret", result.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hf_secret", (Request() with { Token = new HubToken("hf_secret") }).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Progress_counts_up_to_the_bytes_to_fetch_with_a_rate_and_file_names()
    {
        var reports = new List<ProvisioningProgress>();
        var progress = new SynchronousProgress<ProvisioningProgress>(p => { lock (reports) { reports.Add(p); } });

        await Provisioner().EnsureAsync(Request(), progress, Cancel);

        Assert.NotEmpty(reports);
        var last = reports[^1];
        Assert.Equal(WantedBlobBytes, last.BytesTotal);
        Assert.Equal(last.BytesTotal, last.BytesDone);
        Assert.Equal(last.FilesTotal, last.FilesDone);
        Assert.Equal(TinyCommit, last.Commit);
        Assert.All(reports, r => Assert.InRange(r.BytesDone, 0, r.BytesTotal));
        Assert.Contains(reports, r => r.BytesPerSecond > 0);
        Assert.Contains(reports, r => r.CurrentFile == Shard);
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
