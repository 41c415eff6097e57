using System.Diagnostics;
using GpuBench.Controller.Campaigns;

namespace GpuBench.Controller.Ssh;

/// <summary>One program of a bundle: the project published and the bundle folder it goes to.</summary>
public sealed record BundleProject(string Folder, string ProjectPath);

/// <summary>Publishes one project, self-contained, for one runtime id, into a folder.</summary>
public interface IBundlePublisher
{
    Task PublishAsync(BundleProject project, string runtimeId, string output, CancellationToken cancellationToken);
}

/// <summary>
/// `gpubench bundle`: publishes agent, gateway and simulator self-contained for a runtime id into agent/, gateway/
/// and simulator/ (the layout <see cref="AgentTools.InBundle"/> starts), then stores the result under its content hash.
/// </summary>
public sealed class BundleBuilder(IBundlePublisher publisher)
{
    /// <summary>The projects of a bundle, relative to the source tree, in the folders the SSH transport expects.</summary>
    public static IReadOnlyList<BundleProject> Projects { get; } =
    [
        new(Path.GetDirectoryName(AgentTools.AgentPath)!, "src/Agent/Agent.csproj"),
        new(Path.GetDirectoryName(AgentTools.GatewayPath)!, "src/Gateway/Gateway.csproj"),
        new(Path.GetDirectoryName(AgentTools.SimulatorPath)!, "src/Simulator/Simulator.csproj"),
    ];

    public async Task<(StoredBundle Bundle, bool Reused)> BuildAsync(
        string sourceRoot, string runtimeId, BundleStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var runtimeDirectory = store.RuntimeDirectory(runtimeId);
        Directory.CreateDirectory(runtimeDirectory);

        // Staged inside the store, so the final rename stays on one file system.
        var staging = Path.Combine(runtimeDirectory, $".staging-{Guid.NewGuid():N}");
        try
        {
            foreach (var project in Projects)
            {
                var path = Path.Combine(sourceRoot, project.ProjectPath);
                if (!File.Exists(path))
                {
                    throw new InvalidOperationException($"{path} does not exist: run `gpubench bundle` in GpuBench's source tree, or pass --source DIR.");
                }

                await publisher.PublishAsync(project with { ProjectPath = path }, runtimeId, Path.Combine(staging, project.Folder), cancellationToken).ConfigureAwait(false);
            }

            return await store.AddAsync(runtimeId, staging, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>The source tree above <paramref name="start"/>: the first folder holding GpuBench.sln; null when none does.</summary>
    public static string? FindSourceRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GpuBench.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}

/// <summary>Publishes with `dotnet publish` (argv, never a shell), passing its output to <paramref name="output"/>.</summary>
public sealed class DotnetBundlePublisher(Action<string> output, string configuration = "Release") : IBundlePublisher
{
    /// <summary>The `dotnet` arguments that publish <paramref name="project"/> self-contained for <paramref name="runtimeId"/>.</summary>
    public static IReadOnlyList<string> Arguments(string project, string runtimeId, string configuration, string outputDirectory) =>
    [
        "publish", project,
        "--configuration", configuration,
        "--runtime", runtimeId,
        "--self-contained", "true",
        "--output", outputDirectory,
        // Nothing on the box reads symbols: they would only make every upload bigger.
        "-p:DebugType=none",
        "-nologo",
    ];

    public async Task PublishAsync(BundleProject project, string runtimeId, string outputDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(project);
        var start = new ProcessStartInfo(AgentTools.DotNet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments(project.ProjectPath, runtimeId, configuration, outputDirectory))
        {
            start.ArgumentList.Add(argument);
        }

        var tail = new LineTail(30);
        void Line(string? line)
        {
            tail.Add(line);
            if (line is not null)
            {
                output(line);
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"dotnet publish {project.ProjectPath} for {runtimeId} failed with exit code {process.ExitCode}:\n{tail}");
        }
    }
}
