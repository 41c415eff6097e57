using GpuBench.Controller.Campaigns;
using GpuBench.TestSupport;

namespace GpuBench.Controller.Tests.Campaigns;

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
