using System.Runtime.Versioning;
using GpuBench.Controller.Ssh;
using GpuBench.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace GpuBench.Controller.Tests.Ssh;

[SupportedOSPlatform("linux")]
public sealed class BundleUploaderTests(SshdFixture sshd) : IClassFixture<SshdFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bundle_is_uploaded_once_skipped_when_unchanged_and_uploaded_again_when_a_file_changes()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var local = sshd.PathOf($"bundle-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(local, "agent"));
        Directory.CreateDirectory(Path.Combine(local, "simulator", "runtimes", "linux-x64"));
        var payload = new byte[300_000];
        new Random(7).NextBytes(payload);
        await File.WriteAllTextAsync(Path.Combine(local, "agent", "GpuBench.Agent"), "#!/bin/sh\necho agent\n", Ct);
        File.SetUnixFileMode(Path.Combine(local, "agent", "GpuBench.Agent"), (UnixFileMode)0b111_101_101);
        await File.WriteAllBytesAsync(Path.Combine(local, "simulator", "runtimes", "linux-x64", "lib.so"), payload, Ct);
        await File.WriteAllTextAsync(Path.Combine(local, "simulator", "appsettings.json"), "{}", Ct);
        var options = await sshd.PinnedOptionsAsync();
        var uploader = new BundleUploader(SshdFixture.Connector(), NullLogger<BundleUploader>.Instance);

        var bundle = await AgentBundle.LoadAsync(local, Ct);
        var first = await uploader.EnsureUploadedAsync(options, bundle, Ct);

        Assert.True(first.Uploaded);
        Assert.Equal($"{options.RemoteRoot}/bundles/{bundle.Hash}", first.Path);
        Assert.Equal(payload, await File.ReadAllBytesAsync(Path.Combine(first.Path, "simulator", "runtimes", "linux-x64", "lib.so"), Ct));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(first.Path, "agent", "GpuBench.Agent")));
        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(Path.Combine(first.Path, "simulator", "appsettings.json")));
        Assert.Equal(bundle.Hash + "\n", await File.ReadAllTextAsync(Path.Combine(first.Path, BundleUploader.MarkerName), Ct));
        var uploadedAt = File.GetLastWriteTimeUtc(Path.Combine(first.Path, "simulator", "appsettings.json"));

        var second = await uploader.EnsureUploadedAsync(options, await AgentBundle.LoadAsync(local, Ct), Ct);

        Assert.False(second.Uploaded);
        Assert.Equal(first.Path, second.Path);
        Assert.Equal(uploadedAt, File.GetLastWriteTimeUtc(Path.Combine(first.Path, "simulator", "appsettings.json")));

        await File.WriteAllTextAsync(Path.Combine(local, "simulator", "appsettings.json"), "{\"changed\":true}", Ct);
        var changed = await AgentBundle.LoadAsync(local, Ct);
        var third = await uploader.EnsureUploadedAsync(options, changed, Ct);

        Assert.True(third.Uploaded);
        Assert.NotEqual(first.Path, third.Path);
        Assert.Equal("{\"changed\":true}", await File.ReadAllTextAsync(Path.Combine(third.Path, "simulator", "appsettings.json"), Ct));
        Assert.Equal(payload, await File.ReadAllBytesAsync(Path.Combine(third.Path, "simulator", "runtimes", "linux-x64", "lib.so"), Ct));
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(options.RemoteRoot, "bundles"), ".upload-*"));
    }
}
