using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GpuBench.Provisioning.Hub;

namespace GpuBench.Provisioning.Transfer;

/// <summary>
/// Checks a file's bytes against the id the Hub publishes for it, fed as they stream: the sha256 for LFS files,
/// the git blob id (sha1 over "blob &lt;size&gt;\0" and the content) for small ones. Every file is verified, not only
/// the large ones.
/// </summary>
internal sealed class BlobHasher : IDisposable
{
    private readonly IncrementalHash _hash;
    private readonly HubFile _file;

    public BlobHasher(HubFile file)
    {
        _file = file;
        if (file.IsLfs)
        {
            _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }
        else
        {
            // sha1 here names a git object; it is not relied on for security (LFS files carry a sha256).
#pragma warning disable CA5350
            _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
#pragma warning restore CA5350
        }

        AppendHeader();
    }

    /// <summary>Forgets everything appended: for a transfer that starts over from byte 0.</summary>
    public void Restart()
    {
        _hash.GetHashAndReset();
        AppendHeader();
    }

    public void Append(ReadOnlySpan<byte> data) => _hash.AppendData(data);

    /// <summary>True when the bytes appended so far are exactly the file; the hash starts over either way.</summary>
    public bool Matches()
    {
        var matches = Convert.ToHexStringLower(_hash.GetHashAndReset()) == _file.BlobId;
        AppendHeader();
        return matches;
    }

    /// <summary>Hashes a whole file on disk; for blobs already in the cache.</summary>
    public static async Task<bool> MatchesAsync(HubFile file, string path, CancellationToken cancellationToken)
    {
        using var hasher = new BlobHasher(file);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            await hasher.AppendAsync(stream, long.MaxValue, cancellationToken).ConfigureAwait(false);
        }

        return hasher.Matches();
    }

    /// <summary>Appends up to <paramref name="count"/> bytes read from the stream's current position.</summary>
    public async Task AppendAsync(Stream stream, long count, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            while (count > 0)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                _hash.AppendData(buffer, 0, read);
                count -= read;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose() => _hash.Dispose();

    private void AppendHeader()
    {
        if (!_file.IsLfs)
        {
            _hash.AppendData(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"blob {_file.Size}\0")));
        }
    }
}
