using System.Collections.Concurrent;
using System.Runtime.Versioning;
using GpuBench.Controller.Campaigns;
using GpuBench.Controller.Commands;
using GpuBench.Controller.Ssh;

namespace GpuBench.Controller.Tests.Ssh;

/// <summary>`gpubench bundle`'s packing and the store `gpubench bench` reads, with a publisher that writes a fake publish.</summary>
[SupportedOSPlatform("linux")]
public sealed class BundleBuilderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gpubench-bundle-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Publish_is_a_self_contained_dotnet_publish_of_the_project_for_the_runtime_id()
    {
        Assert.Equal(
            ["publish", "/src/src/Agent/Agent.csproj", "--configuration", "Release", "--runtime", "linux-arm64", "--self-contained", "true",
             "--output", "/store/.staging/agent", "-p:DebugType=none", "-nologo"],
            DotnetBundlePublisher.Arguments("/src/src/Agent/Agent.csproj", "linux-arm64", "Release", "/store/.staging/agent"));
    }

    [Fact]
    public async Task A_bundle_is_stored_under_its_content_hash_in_the_layout_the_ssh_transport_starts()
    {
        var publisher = new FakePublisher();
        var store = new BundleStore(Path.Combine(_folder, "store"));

        var (bundle, reused) = await new BundleBuilder(publisher).BuildAsync(Source(), "linux-x64", store, Ct);

        Assert.False(reused);
        Assert.Equal(
            [("agent", Path.Combine(Source(), "src/Agent/Agent.csproj")), ("gateway", Path.Combine(Source(), "src/Gateway/Gateway.csproj")), ("simulator", Path.Combine(Source(), "src/Simulator/Simulator.csproj"))],
            publisher.Published.Select(p => (p.Folder, p.ProjectPath)).Order());
        Assert.All(publisher.RuntimeIds, r => Assert.Equal("linux-x64", r));
        var loaded = await AgentBundle.LoadAsync(bundle.Directory, Ct);
        Assert.Equal(Path.Combine(store.Root, "linux-x64", loaded.Hash), bundle.Directory);
        Assert.Equal(loaded.Hash, bundle.Hash);
        foreach (var program in AgentTools.InBundle(bundle.Directory) is var tools ? new[] { tools.Agent[0], tools.Gateway[0], tools.Simulator[0] } : [])
        {
            Assert.True(File.Exists(program), program);
            Assert.True((File.GetUnixFileMode(program) & UnixFileMode.UserExecute) != 0, program);
        }

        Assert.Equal(bundle, store.Find("linux-x64"));
        Assert.Null(store.Find("linux-arm64"));
        Assert.Equal(new[] { "current", loaded.Hash }.Order(StringComparer.Ordinal), Directory.EnumerateFileSystemEntries(store.RuntimeDirectory("linux-x64")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_same_content_again_is_reused_and_new_content_becomes_current_beside_the_old()
    {
        var store = new BundleStore(Path.Combine(_folder, "store"));
        var first = (await new BundleBuilder(new FakePublisher()).BuildAsync(Source(), "linux-x64", store, Ct)).Bundle;

        var (again, reused) = await new BundleBuilder(new FakePublisher()).BuildAsync(Source(), "linux-x64", store, Ct);
        Assert.True(reused);
        Assert.Equal(first, again);

        var (changed, changedReused) = await new BundleBuilder(new FakePublisher(version: "2")).BuildAsync(Source(), "linux-x64", store, Ct);
        Assert.False(changedReused);
        Assert.NotEqual(first.Hash, changed.Hash);
        Assert.Equal(changed, store.Find("linux-x64"));
        Assert.True(Directory.Exists(first.Directory), "a bundle a running campaign may be uploading is never deleted under it");
        Assert.DoesNotContain(Directory.EnumerateDirectories(store.RuntimeDirectory("linux-x64")), d => Path.GetFileName(d).StartsWith('.'));
    }

    [Fact]
    public async Task A_publish_without_its_program_fails_naming_it_and_leaves_nothing_behind()
    {
        var store = new BundleStore(Path.Combine(_folder, "store"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new BundleBuilder(new FakePublisher(skip: "gateway")).BuildAsync(Source(), "linux-x64", store, Ct));

        Assert.Contains(AgentTools.GatewayPath, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.RuntimeDirectory("linux-x64")));
        Assert.Null(store.Find("linux-x64"));
    }

    [Fact]
    public void Without_a_bundle_the_error_says_to_run_gpubench_bundle_for_that_runtime_id()
    {
        var store = new BundleStore(Path.Combine(_folder, "store"));

        var error = Assert.Throws<InvalidOperationException>(() => store.Require("linux-arm64"));

        Assert.Contains($"No agent bundle for linux-arm64 in {store.RuntimeDirectory("linux-arm64")}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"`gpubench bundle --runtime linux-arm64 --output {store.Root}`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_current_bundle_whose_folder_was_removed_is_not_found()
    {
        var store = new BundleStore(Path.Combine(_folder, "store"));
        var (bundle, _) = await new BundleBuilder(new FakePublisher()).BuildAsync(Source(), "linux-x64", store, Ct);

        Directory.Delete(bundle.Directory, recursive: true);

        Assert.Null(store.Find("linux-x64"));
    }

    [Fact]
    public async Task Outside_the_source_tree_the_error_says_to_pass_source()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new BundleBuilder(new FakePublisher()).BuildAsync(_folder, "linux-x64", new BundleStore(Path.Combine(_folder, "store")), Ct));

        Assert.Contains("--source DIR", error.Message, StringComparison.Ordinal);
        Assert.Null(BundleBuilder.FindSourceRoot(_folder));
        Assert.Equal(Source(), BundleBuilder.FindSourceRoot(Path.Combine(Source(), "src", "Agent")));
    }

    [Fact]
    public async Task A_local_agent_without_bundle_or_installed_programs_runs_from_the_bundle_stored_for_this_machine()
    {
        var store = new BundleStore(Path.Combine(_folder, "store"));
        var nothingBeside = Directory.CreateDirectory(Path.Combine(_folder, "gpubench")).FullName;
        Assert.Null(BenchCommand.LocalTools(bundle: null, store, nothingBeside));

        var runtimeId = RuntimeIds.ThisMachine;
        Assert.NotNull(runtimeId);
        var (bundle, _) = await new BundleBuilder(new FakePublisher()).BuildAsync(Source(), runtimeId, store, Ct);

        var tools = BenchCommand.LocalTools(bundle: null, store, nothingBeside);
        Assert.Equal(AgentTools.InBundle(bundle.Directory).Agent, tools!.Agent);
        Assert.True(File.Exists(tools.Agent[0]));

        // --bundle wins, even when it has no agent: a wrong --bundle is reported, not silently replaced.
        Assert.Null(BenchCommand.LocalTools(bundle: nothingBeside, store, nothingBeside));
    }

    [Theory]
    [InlineData("Linux x86_64\n", "linux-x64")]
    [InlineData("Linux aarch64", "linux-arm64")]
    [InlineData("Darwin arm64", null)]
    [InlineData("Linux riscv64", null)]
    [InlineData("", null)]
    public void A_box_runtime_id_comes_from_uname(string uname, string? runtimeId) => Assert.Equal(runtimeId, RuntimeIds.FromUname(uname));

    [Fact]
    public void Only_runtime_ids_bundles_are_built_for_name_a_store_folder()
    {
        var error = Assert.Throws<ArgumentException>(() => new BundleStore(_folder).RuntimeDirectory("../escape"));

        Assert.Contains("linux-x64, linux-arm64", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A source tree with the projects of a bundle (empty files: the fake publisher reads none).</summary>
    private string Source() => CreateSource(Path.Combine(_folder, "source"));

    internal static string CreateSource(string root)
    {
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(root).FullName, "GpuBench.sln"), "");
        foreach (var project in BundleBuilder.Projects)
        {
            var path = Path.Combine(root, project.ProjectPath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "<Project />");
        }

        return root;
    }

    /// <summary>Writes what a publish leaves: the apphost named after the assembly, executable, and a dll.</summary>
    internal sealed class FakePublisher(string version = "1", string? skip = null) : IBundlePublisher
    {
        public ConcurrentBag<BundleProject> Published { get; } = [];

        public ConcurrentBag<string> RuntimeIds { get; } = [];

        public Task PublishAsync(BundleProject project, string runtimeId, string output, CancellationToken cancellationToken)
        {
            Published.Add(project);
            RuntimeIds.Add(runtimeId);
            Directory.CreateDirectory(output);
            var program = Path.GetFileName(project.Folder switch
            {
                "agent" => AgentTools.AgentPath,
                "gateway" => AgentTools.GatewayPath,
                _ => AgentTools.SimulatorPath,
            });
            if (project.Folder != skip)
            {
                File.WriteAllText(Path.Combine(output, program), $"#!/bin/sh\necho {project.Folder} {version}\n");
                File.SetUnixFileMode(Path.Combine(output, program), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            File.WriteAllText(Path.Combine(output, program + ".dll"), $"{project.ProjectPath} {runtimeId} {version}");
            return Task.CompletedTask;
        }
    }
}
