using System.Diagnostics;

namespace GpuBench.TestSupport;

/// <summary>
/// A folder nobody can add to, remove from or rename in, root included: `chattr +i` sets the immutable attribute,
/// which binds root where permission bits do not (the tests run as root). Disposing clears it again.
/// Needs root (CAP_LINUX_IMMUTABLE) and a filesystem with the attribute (ext4, xfs, btrfs); otherwise the test
/// calling <see cref="Make"/> is skipped, or fails when prerequisites are required.
/// </summary>
public sealed class ImmutableFolder : IDisposable
{
    private ImmutableFolder(string path) => Path = path;

    public string Path { get; }

    /// <summary>Makes the existing folder <paramref name="path"/> immutable.</summary>
    public static ImmutableFolder Make(string path)
    {
        var (code, error) = Chattr("+i", path);
        Prerequisite.Require(code == 0, $"chattr +i {path} failed ({error.Trim()}): needs root and a filesystem with the immutable attribute");
        var folder = new ImmutableFolder(path);
        var probe = System.IO.Path.Combine(path, ".probe");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            folder.Dispose();
            Prerequisite.Require(false, $"{path} is still writable after chattr +i");
        }
        catch (UnauthorizedAccessException)
        {
            // Refused: the folder is immutable.
        }

        return folder;
    }

    public void Dispose() => Chattr("-i", Path);

    private static (int Code, string Error) Chattr(string flag, string path)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("chattr", [flag, path]) { RedirectStandardError = true })!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
