using GpuBench.Controller.Ssh;
using GpuBench.TestSupport;

namespace GpuBench.Controller.Tests.Ssh;

public sealed class BoxFactsTests(SshdFixture sshd) : IClassFixture<SshdFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_box_tells_its_uname_and_home_and_a_relative_root_is_resolved_against_that_home()
    {
        Prerequisite.Require(SshdFixture.Available, SshdFixture.Missing);
        var options = (await sshd.PinnedOptionsAsync()) with { RemoteRoot = "~/.gpubench-facts" };

        var facts = await BoxFacts.ReadAsync(SshdFixture.Connector(), options, Ct);

        Assert.Equal(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile).TrimEnd('/'), facts.Home.TrimEnd('/'));
        Assert.StartsWith("Linux ", facts.UnameSm, StringComparison.Ordinal);
        Assert.NotNull(RuntimeIds.FromUname(facts.UnameSm));
        Assert.Equal($"{facts.Home.TrimEnd('/')}/.gpubench-facts", facts.Resolve(options).RemoteRoot);
        Assert.Equal("/srv/gpubench", facts.Resolve(options with { RemoteRoot = "/srv/gpubench/" }).RemoteRoot);
    }
}
