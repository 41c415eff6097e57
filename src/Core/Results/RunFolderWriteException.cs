namespace GpuBench.Core.Results;

/// <summary>
/// A run folder (or the campaign folder holding it) could not be written on this machine: permission denied, disk
/// full, a file where a folder must be. Not an <see cref="IOException"/> on purpose: a local disk is not the agent's
/// link, and whoever catches transport errors must not take this for one.
/// </summary>
public sealed class RunFolderWriteException(string path, Exception inner)
    : Exception($"could not write the results folder {path}: {inner.Message}", inner)
{
    /// <summary>The folder or file that could not be written.</summary>
    public string Path { get; } = path;

    /// <summary>Runs <paramref name="write"/>, turning a local I/O error into a <see cref="RunFolderWriteException"/> about <paramref name="path"/>.</summary>
    public static async Task<T> GuardAsync<T>(string path, Func<Task<T>> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        try
        {
            return await write().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFolderWriteException(path, e);
        }
    }
}
