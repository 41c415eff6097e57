namespace GpuBench.Controller.Ssh;

/// <summary>Expands a leading <c>~</c> the way OpenSSH does for paths in its own configuration.</summary>
public static class LocalPath
{
    public static string Expand(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == "~")
        {
            return Home;
        }

        return path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Home, path[2..]) : path;
    }

    private static string Home => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
}
