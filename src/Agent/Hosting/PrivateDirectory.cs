namespace GpuBench.Agent.Hosting;

/// <summary>The agent's data directory: results, logs and pid records are its user's alone (mode 0700).</summary>
public static class PrivateDirectory
{
    public static void Create(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        var existed = Directory.Exists(path);
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (existed && (File.GetUnixFileMode(path) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.OtherRead)) != 0)
        {
            // Made by an older version, or by hand: tightened, as a new one would be.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
