using System.Buffers;
using System.Net;
using GpuBench.Provisioning.Cache;
using GpuBench.Provisioning.Hub;

namespace GpuBench.Provisioning.Transfer;

/// <summary>
/// Fetches one blob into blobs/&lt;id&gt;.incomplete, resuming from the bytes already there with a Range request,
/// hashing as it writes (the bytes already on disk first), and renames it to blobs/&lt;id&gt; only once its size
/// and hash match what the Hub published. A cut connection or a bad hash is retried; bytes kept on disk are not
/// fetched again.
/// </summary>
internal sealed class BlobDownloader(
    HubClient hub, RepoCache cache, string commit, RetryPolicy retry, ProvisioningOptions options, TransferProgress progress)
{
    private const int BufferSize = 1 << 20;

    private long _bytesReceived;

    /// <summary>Bytes received over the network by every download so far, failed attempts included.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public async Task DownloadAsync(HubFile file, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(cache.BlobsDirectory);
        await retry.ExecuteAsync($"Downloading {file.Path} ({file.Size} bytes)", async token =>
        {
            await AttemptAsync(file, token).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        File.Move(cache.IncompletePath(file.BlobId), cache.BlobPath(file.BlobId), overwrite: true);
    }

    private async Task AttemptAsync(HubFile file, CancellationToken cancellationToken)
    {
        // FileShare.None takes an exclusive lock, so two provisionings of one model never write the same blob.
        var partial = new FileStream(cache.IncompletePath(file.BlobId), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None,
            BufferSize, FileOptions.Asynchronous);
        await using (partial.ConfigureAwait(false))
        {
            using var hasher = new BlobHasher(file);
            if (partial.Length > file.Size)
            {
                Discard(file, partial, hasher);
            }

            await hasher.AppendAsync(partial, partial.Length, cancellationToken).ConfigureAwait(false);
            if (partial.Length < file.Size)
            {
                await FetchRestAsync(file, partial, hasher, cancellationToken).ConfigureAwait(false);
            }

            if (partial.Length < file.Size)
            {
                // A body that ended cleanly but short (a proxy closing early) is resumed like a dropped one;
                // the hash over the whole file still judges the bytes kept.
                throw new TransientFailureException(ProvisioningFailureKind.NetworkFailure,
                    $"{file.Path}: the transfer ended after {partial.Length} of {file.Size} bytes");
            }

            if (partial.Length != file.Size || !hasher.Matches())
            {
                var received = partial.Length;
                Discard(file, partial, hasher);
                throw new TransientFailureException(ProvisioningFailureKind.IntegrityFailure,
                    $"{file.Path} arrived as {received} bytes that do not match the Hub's {(file.IsLfs ? "sha256" : "git blob id")} {file.BlobId} ({file.Size} bytes)");
            }
        }
    }

    private async Task FetchRestAsync(HubFile file, FileStream partial, BlobHasher hasher, CancellationToken cancellationToken)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(options.StallTimeout);
        var offset = partial.Length;
        using var response = await hub.OpenFileAsync(commit, file.Path, offset, stall.Token).ConfigureAwait(false);
        switch (response.StatusCode)
        {
            case HttpStatusCode.RequestedRangeNotSatisfiable:
                // The server holds no byte past what is on disk, yet the Hub listed more: its size is not ours,
                // so the next attempt starts from byte 0.
                Discard(file, partial, hasher);
                return;
            case HttpStatusCode.PartialContent when response.Content.Headers.ContentRange?.From != offset:
                throw new TransientFailureException(ProvisioningFailureKind.NetworkFailure,
                    $"asked for {file.Path} from byte {offset}, got {response.Content.Headers.ContentRange}");
            case HttpStatusCode.OK when offset > 0:
                // The server ignored the range and sends the whole file: start over.
                Discard(file, partial, hasher);
                break;
        }

        var body = await response.Content.ReadAsStreamAsync(stall.Token).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                while (true)
                {
                    stall.CancelAfter(options.StallTimeout);
                    var read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), stall.Token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    Interlocked.Add(ref _bytesReceived, read);
                    await WriteAsync(partial, buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    hasher.Append(buffer.AsSpan(0, read));
                    progress.Add(file.Path, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static async Task WriteAsync(FileStream partial, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            await partial.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            // A full or failing disk is no network trouble: retrying would not help.
            throw new ProvisioningException(ProvisioningFailureKind.CacheFailure, $"Writing {partial.Name} failed: {ex.Message}");
        }
    }

    /// <summary>Throws away a partial blob; progress counted its bytes (up to the file's size) as done.</summary>
    private void Discard(HubFile file, FileStream partial, BlobHasher hasher)
    {
        progress.Add(file.Path, -Math.Min(partial.Length, file.Size));
        partial.SetLength(0);
        hasher.Restart();
    }
}
