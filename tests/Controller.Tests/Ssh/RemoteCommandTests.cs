using System.Runtime.Versioning;
using System.Text;
using GpuBench.TestSupport;

namespace GpuBench.Controller.Tests.Ssh;

[SupportedOSPlatform("linux")]
public sealed class RemoteCommandTests(SshdFixture sshd) : IClassFixture<SshdFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Argument_full_of_shell_metacharacters_reaches_the_remote_program_literally()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var directory = sshd.PathOf("out dir 'q' $x");
        Directory.CreateDirectory(directory);
        var script = Path.Combine(directory, "echo-args.sh");
        await File.WriteAllTextAsync(script, "#!/bin/sh\nout=\"$1\"; shift\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > \"$out\"\n", Ct);
        var output = Path.Combine(directory, "argv.bin");
        string[] arguments =
        [
            "; rm -rf / $(whoami) 'quote' \"dq\" `bt` & | > *",
            "",
            "two\nlines",
            "~root",
            "$HOME ${PATH} !! #",
            "-n",
            "back\\slash",
            "ünï ✓",
        ];
        await using var link = await sshd.LinkAsync();

        // Read by sh, not executed: a file written a moment ago may still be open for writing in a child that another
        // test forked meanwhile, and executing it would then fail with "Text file busy".
        var result = await link.RunAsync(["sh", script, output, .. arguments], Ct);

        Assert.True(result.Succeeded, result.Error);
        var received = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(output, Ct)).Split('\0')[..^1];
        Assert.Equal(arguments, received);
    }

    [Fact]
    public async Task Exit_status_and_both_output_streams_come_back()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        await using var link = await sshd.LinkAsync();

        var result = await link.RunAsync(["sh", "-c", "echo out; echo err >&2; exit 7"], Ct);

        Assert.Equal(7, result.ExitStatus);
        Assert.Equal("out\n", result.Output);
        Assert.Equal("err\n", result.Error);
    }
}
