using GpuBench.Controller.Campaigns;
using GpuBench.Controller.Tests.Campaigns;
using GpuBench.TestSupport;

[assembly: AssemblyFixture(typeof(SharedTestBundle))]

namespace GpuBench.Controller.Tests.Campaigns;

/// <summary>
/// One bundle for every test that runs it locally, written before the tests start. A script is executed long after
/// it was written: a file written while another test forks a process stays open for writing in that child until it
/// execs, and executing it then fails with "Text file busy".
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SharedTestBundle : IDisposable
{
    public string Path { get; } = TestBundle.Create(Directory.CreateTempSubdirectory("gpubench-bundle-").FullName);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>
/// An agent bundle laid out as `gpubench bench --bundle` expects (agent/, gateway/, simulator/), whose programs are
/// small scripts running each project's own build output on this machine's dotnet: the real programs, without a
/// self-contained publish per test run.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class TestBundle
{
    /// <summary>Writes the bundle under <paramref name="directory"/> and returns it.</summary>
    public static string Create(string directory)
    {
        Write(directory, AgentTools.AgentPath, BuiltProjects.Agent);
        Write(directory, AgentTools.GatewayPath, BuiltProjects.Gateway);
        Write(directory, AgentTools.SimulatorPath, BuiltProjects.Simulator);
        return directory;
    }

    private static void Write(string root, string relative, string dll)
    {
        Assert.True(File.Exists(dll), $"{dll} is not built");
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"#!/bin/sh\nexec '{AgentTools.DotNet}' '{dll}' \"$@\"\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
