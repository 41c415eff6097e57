using System.Diagnostics;
using System.Runtime.Versioning;

namespace GpuBench.TestSupport;

/// <summary>
/// A directory the file system refuses to write into for as long as this lives: mode 0555, and for root, who
/// ignores modes, the ext4 immutable attribute (<c>chattr +i</c>). Disposing makes it writable again.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class UnwritableDirectory : IDisposable
{
    private readonly string _path;
    private readonly bool _immutable;

    private UnwritableDirectory(string path, bool immutable) => (_path, _immutable) = (path, immutable);

    /// <summary>Creates <paramref name="path"/> when needed and makes it unwritable; skips (or fails) when the file system cannot.</summary>
    public static UnwritableDirectory Create(string path)
    {
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var immutable = false;
        if (IsWritable(path))
        {
            immutable = Chattr("+i", path);
        }

        var directory = new UnwritableDirectory(path, immutable);
        if (IsWritable(path))
        {
            directory.Dispose();
            Prerequisite.Require(false, $"cannot make {path} unwritable: neither its mode nor chattr +i stops this user");
        }

        return directory;
    }

    public void Dispose()
    {
        if (_immutable)
        {
            Chattr("-i", _path);
        }

        File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static bool IsWritable(string path)
    {
        var probe = Path.Combine(path, ".probe-" + Guid.NewGuid().ToString("n"));
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool Chattr(string change, string path)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("chattr") { ArgumentList = { change, path }, RedirectStandardError = true });
            process!.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
