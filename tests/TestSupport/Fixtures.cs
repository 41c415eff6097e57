namespace GpuBench.TestSupport;

/// <summary>Paths of the repository and of the real-world fixtures kept under tests/fixtures.</summary>
public static class Fixtures
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Directory => Path.Combine(RepositoryRoot, "tests", "fixtures");

    public static string PathOf(params string[] parts) => Path.Combine([Directory, .. parts]);

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GpuBench.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"GpuBench.sln not found above {AppContext.BaseDirectory}");
    }
}
