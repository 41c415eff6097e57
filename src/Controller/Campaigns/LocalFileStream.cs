using GpuBench.Core.Results;

namespace GpuBench.Controller.Campaigns;

/// <summary>
/// A file on this machine that an agent's download is copied into. Its own I/O errors (disk full, permission denied)
/// surface as <see cref="RunFolderWriteException"/>, so that a call to the agent failing on this end is never taken
/// for the agent's link failing, which an <see cref="IOException"/> from the copy would be. Unbuffered, so every
/// write reaches the file (and fails) inside the copy, none at dispose.
/// </summary>
public sealed class LocalFileStream(string path) : FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous)
{
    public static LocalFileStream Create(string path)
    {
        try
        {
            return new LocalFileStream(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFolderWriteException(path, e);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await base.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new RunFolderWriteException(Name, e);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            base.Write(buffer);
        }
        catch (IOException e)
        {
            throw new RunFolderWriteException(Name, e);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>Removes a leftover file; one that cannot be removed is not worth failing for.</summary>
    public static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder is the one that already failed; its error is the one reported.
        }
    }
}
