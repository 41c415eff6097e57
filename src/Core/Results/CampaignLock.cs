using System.Globalization;

namespace GpuBench.Core.Results;

/// <summary>
/// Holds a campaign folder for one controller: an exclusive lock on its <see cref="LockFile"/> (flock, which the
/// kernel releases when the process ends, however it ends), and who holds it in <see cref="HolderFile"/> for the
/// error a second controller gets. The lock cannot be read while held, hence the second file.
/// </summary>
public sealed class CampaignLock : IDisposable
{
    public const string LockFile = ".gpubench.lock";
    public const string HolderFile = ".gpubench.lock.holder";

    private readonly FileStream _lock;

    private CampaignLock(FileStream held) => _lock = held;

    /// <summary>
    /// Takes the folder (creating it), or throws <see cref="CampaignLockedException"/> naming the holder when another
    /// process has it. A folder that cannot be written is a <see cref="RunFolderWriteException"/>.
    /// </summary>
    public static CampaignLock Acquire(string campaignDirectory)
    {
        var path = Path.Combine(campaignDirectory, LockFile);
        var holder = Path.Combine(campaignDirectory, HolderFile);
        FileStream held;
        try
        {
            Directory.CreateDirectory(campaignDirectory);
            held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (IsHeld(e))
        {
            throw new CampaignLockedException(campaignDirectory, ReadHolder(holder));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFolderWriteException(path, e);
        }

        try
        {
            File.WriteAllText(holder, string.Create(CultureInfo.InvariantCulture,
                $"pid {Environment.ProcessId} on host {Environment.MachineName}, since {DateTimeOffset.UtcNow:O}\n"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            held.Dispose();
            throw new RunFolderWriteException(holder, e);
        }

        return new CampaignLock(held);
    }

    public void Dispose() => _lock.Dispose();

    /// <summary>EWOULDBLOCK: another open file description holds the lock (EAGAIN is 11 on Linux, 35 on macOS).</summary>
    private static bool IsHeld(IOException e) => e.HResult is 11 or 35 || e.HResult == unchecked((int)0x80070020);

    private static string ReadHolder(string holder)
    {
        try
        {
            return File.ReadAllText(holder).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "a process that did not say who it is";
        }
    }
}
