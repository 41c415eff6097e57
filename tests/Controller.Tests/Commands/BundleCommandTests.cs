using System.Runtime.Versioning;
using GpuBench.Controller.Ssh;
using GpuBench.Controller.Tests.Ssh;
using Microsoft.Extensions.DependencyInjection;

namespace GpuBench.Controller.Tests.Commands;

[SupportedOSPlatform("linux")]
public sealed class BundleCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gpubench-bundle-command-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Bundle_publishes_for_the_runtime_id_and_prints_the_stored_bundle_and_its_hash()
    {
        var source = BundleBuilderTests.CreateSource(Path.Combine(_folder, "source"));
        var store = Path.Combine(_folder, "store");
        var publisher = new BundleBuilderTests.FakePublisher();

        var result = GpuBenchApp.RunWith(
            s => s.AddSingleton<IBundlePublisher>(publisher), "bundle", "--runtime", "linux-arm64", "--output", store, "--source", source);

        Assert.Equal(0, result.ExitCode);
        var bundle = new BundleStore(store).Find("linux-arm64");
        Assert.NotNull(bundle);
        Assert.Contains($"Bundle {bundle.Hash} (6 files", result.Output, StringComparison.Ordinal);
        Assert.Contains(bundle.Directory, result.Output.Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.All(publisher.RuntimeIds, r => Assert.Equal("linux-arm64", r));
    }

    [Fact]
    public void Bundle_refuses_a_runtime_id_no_box_runs()
    {
        var result = GpuBenchApp.RunWith(
            s => s.AddSingleton<IBundlePublisher>(new BundleBuilderTests.FakePublisher()), "bundle", "--runtime", "win-x64", "--output", _folder);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--runtime win-x64: not one a bundle is built for (linux-x64, linux-arm64)", result.Output, StringComparison.Ordinal);
    }
}
