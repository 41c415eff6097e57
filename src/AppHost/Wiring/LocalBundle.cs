namespace GpuBench.AppHost.Wiring;

/// <summary>
/// The programs `gpubench bench --bundle DIR` expects (agent/GpuBench.Agent, gateway/GpuBench.Gateway,
/// simulator/GpuBench.Simulator) as links to the projects' build outputs, built with the AppHost: the controller
/// then sends the AppHost's agent the simulator it was built with, and no publish is needed to run the campaign.
/// </summary>
public static class LocalBundle
{
    public static string Prepare(string directory)
    {
        Directory.CreateDirectory(directory);
        Link(directory, "agent", new Projects.Agent().ProjectPath);
        Link(directory, "gateway", new Projects.Gateway().ProjectPath);
        Link(directory, "simulator", new Projects.Simulator().ProjectPath);
        return directory;
    }

    /// <summary>The build output folder of a project, in the configuration the AppHost was built in.</summary>
    public static string OutputOf(string projectPath) =>
        Path.GetDirectoryName(AgentWiring.BuiltDll(projectPath, "x"))!;

    private static void Link(string directory, string name, string projectPath)
    {
        var link = Path.Combine(directory, name);
        var target = OutputOf(projectPath);
        if (Directory.Exists(link) || File.Exists(link))
        {
            if (new DirectoryInfo(link).LinkTarget == target)
            {
                return;
            }

            Directory.Delete(link);
        }

        Directory.CreateSymbolicLink(link, target);
    }
}
