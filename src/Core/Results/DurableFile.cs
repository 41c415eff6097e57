using System.Runtime.InteropServices;
using System.Text;

namespace GpuBench.Core.Results;

/// <summary>
/// Writes that survive a crash or a power cut: file contents are flushed to the disk (fsync) before anything points
/// at them, and a folder is flushed after an entry is added to it or renamed in it, so a rename that made a result
/// visible is on the disk too.
/// </summary>
public static partial class DurableFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="content"/> to a new file and flushes it to the disk.</summary>
    public static async Task WriteAsync(string path, string content, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(Utf8.GetBytes(content), cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Writes a text file through a temporary sibling and a rename, so readers see all of it or nothing.</summary>
    public static async Task WriteAtomicallyAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temp = $"{path}.tmp-{Guid.NewGuid():N}";
        try
        {
            await WriteAsync(temp, content, cancellationToken).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Flushes an existing file's contents to the disk.</summary>
    public static void Sync(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Flushes a folder's entries (names added, renamed, removed) to the disk. Nothing to do off Unix.</summary>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var descriptor = Open(Encoding.UTF8.GetBytes(directory + "\0"), OpenReadOnly);
        if (descriptor < 0)
        {
            throw new IOException($"{directory}: cannot open the folder to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (FSync(descriptor) != 0)
            {
                throw new IOException($"{directory}: flushing the folder to the disk failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    /// <summary>O_RDONLY, the same on every Unix; a folder opens read-only without O_DIRECTORY, whose value differs by CPU.</summary>
    private const int OpenReadOnly = 0;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static partial int Open(byte[] path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
