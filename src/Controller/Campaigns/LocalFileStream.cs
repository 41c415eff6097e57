using GpuBench.Core.Results;

namespace GpuBench.Controller.Campaigns;

/// <summary>
/// A file on this machine that an agent's download is copied into. Its own I/O errors (disk full, permission denied)
/// surface as <see cref="RunFolderWriteException"/>, so that a call to the agent failing on this end is never taken
/// for the agent's link failing, which an <see cref="IOException"/> from the copy would be. Unbuffered, so every
/// write reaches the file (and fails) inside the copy, none at dispose.
/// </summary>
public sealed class LocalFileStream : Stream
{
    private readonly FileStream _file;

    private LocalFileStream(string path) =>
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous);

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

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _file.Length;

    public override long Position
    {
        get => _file.Position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await _file.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new RunFolderWriteException(_file.Name, e);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        try
        {
            _file.Write(buffer, offset, count);
        }
        catch (IOException e)
        {
            throw new RunFolderWriteException(_file.Name, e);
        }
    }

    public override void Flush() => _file.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

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
