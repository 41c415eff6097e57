namespace GpuBench.TestSupport;

/// <summary>
/// The executables the integration tests start as real processes (agent, gateway, simulator), from each project's
/// own build output in the configuration this test assembly was built in (test projects that start them reference
/// them, so they are built first).
/// </summary>
public static class BuiltProjects
{
    private static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";

    public static string Dll(string project, string assembly) =>
        Path.Combine(Fixtures.RepositoryRoot, "src", project, "bin", Configuration, "net10.0", assembly + ".dll");

    public static string Agent => Dll("Agent", "GpuBench.Agent");

    public static string Gateway => Dll("Gateway", "GpuBench.Gateway");

    public static string Simulator => Dll("Simulator", "GpuBench.Simulator");

    /// <summary>The `dotnet` that runs these tests, so children run on the same runtime.</summary>
    public static string DotNet => Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet"
        ? path
        : "dotnet";
}
