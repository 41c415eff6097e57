using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Docker.DotNet;
using GpuBench.TestSupport;

namespace GpuBench.Agent.Tests.Support;

/// <summary>
/// A real dockerd (started by .ci/prerequisites) and the simulator image built locally by build/sim-image.sh,
/// once per test class. Unavailable docker leaves <see cref="Unavailable"/> set; tests then skip (fail in CI).
/// </summary>
public sealed class DockerFixture : IAsyncLifetime
{
    /// <summary>
    /// The image's tag, one per checkout: two checkouts testing on one dockerd at once (worktrees, CI jobs sharing a
    /// runner) would otherwise rebuild one tag under each other, each with its own simulator sources.
    /// </summary>
    public static string Image { get; } =
        $"gpubench/simulator:test-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Fixtures.RepositoryRoot)))[..12]}";

    public DockerClient Client { get; } = new DockerClientBuilder().WithEndpoint(new Uri("unix:///var/run/docker.sock")).Build();

    public string? Unavailable { get; private set; }

    public async ValueTask InitializeAsync()
    {
        try
        {
            await Client.System.PingAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException or DockerApiException)
        {
            Unavailable = $"no dockerd at /var/run/docker.sock ({e.Message}); .ci/prerequisites starts one";
            return;
        }

        var script = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        script.ArgumentList.Add(Path.Combine(Fixtures.RepositoryRoot, "build", "sim-image.sh"));
        script.ArgumentList.Add(Image);
        using var build = Process.Start(script)!;
        var stdout = build.StandardOutput.ReadToEndAsync();
        var stderr = build.StandardError.ReadToEndAsync();
        await build.WaitForExitAsync();
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"build/sim-image.sh failed:\n{await stdout}\n{await stderr}");
        }
    }

    public ValueTask DisposeAsync()
    {
        Client.Dispose();
        return ValueTask.CompletedTask;
    }
}
