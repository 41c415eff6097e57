using System.Runtime.Versioning;
using GpuBench.Controller.Ssh;

namespace GpuBench.Controller.Tests.Ssh;

[SupportedOSPlatform("linux")]
public sealed class AgentBundleTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gpubench-bundle-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Hash_depends_on_content_not_on_the_order_files_were_written()
    {
        var a = Write("a", ("agent/run", "#!/bin/sh\n"), ("simulator/sim.dll", "sim"), ("gateway/gw.dll", "gw"));
        var b = Write("b", ("gateway/gw.dll", "gw"), ("simulator/sim.dll", "sim"), ("agent/run", "#!/bin/sh\n"));

        var first = await AgentBundle.LoadAsync(a, Ct);
        var second = await AgentBundle.LoadAsync(b, Ct);

        Assert.Equal(first.Hash, second.Hash);
        Assert.Matches("^[0-9a-f]{64}$", first.Hash);
        Assert.Equal(["agent/run", "gateway/gw.dll", "simulator/sim.dll"], first.Files.Select(f => f.RelativePath));
    }

    [Fact]
    public async Task Hash_changes_with_a_byte_a_name_a_boundary_or_an_executable_bit()
    {
        var baseline = (await AgentBundle.LoadAsync(Write("base", ("x", "ab"), ("y", "c")), Ct)).Hash;

        Assert.NotEqual(baseline, (await AgentBundle.LoadAsync(Write("byte", ("x", "ab"), ("y", "d")), Ct)).Hash);
        Assert.NotEqual(baseline, (await AgentBundle.LoadAsync(Write("name", ("x", "ab"), ("z", "c")), Ct)).Hash);
        Assert.NotEqual(baseline, (await AgentBundle.LoadAsync(Write("boundary", ("x", "a"), ("y", "bc")), Ct)).Hash);

        var executable = Write("exec", ("x", "ab"), ("y", "c"));
        File.SetUnixFileMode(Path.Combine(executable, "y"), File.GetUnixFileMode(Path.Combine(executable, "y")) | UnixFileMode.UserExecute);
        var withBit = await AgentBundle.LoadAsync(executable, Ct);
        Assert.NotEqual(baseline, withBit.Hash);
        Assert.True(withBit.Files.Single(f => f.RelativePath == "y").Executable);
    }

    private string Write(string name, params (string Path, string Content)[] files)
    {
        var directory = Path.Combine(_root, name);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        return directory;
    }
}
