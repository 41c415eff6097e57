using System.Runtime.Versioning;

namespace GpuBench.Agent.Tests.Support;

/// <summary>A folder of shell scripts put first on an agent's PATH: real programs standing in for the box's own (nvidia-smi).</summary>
[SupportedOSPlatform("linux")]
internal sealed class ProgramsOnPath : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gpubench-tools-").FullName;

    /// <summary>The agent's environment that puts this folder first on its PATH.</summary>
    public Dictionary<string, string> Environment => new()
    {
        ["PATH"] = $"{_directory}:{System.Environment.GetEnvironmentVariable("PATH")}",
    };

    /// <summary>Writes <paramref name="name"/> as an executable /bin/sh script of <paramref name="body"/>.</summary>
    public async Task WriteAsync(string name, string body, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_directory, name);
        await File.WriteAllTextAsync(path, $"#!/bin/sh\n{body}\n", cancellationToken);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
