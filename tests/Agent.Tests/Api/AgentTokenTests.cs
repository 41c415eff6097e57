using GpuBench.Agent.Api;
using GpuBench.Agent.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Tests.Api;

public sealed class AgentTokenTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gpubench-token-").FullName;

    [Theory]
    [InlineData("Bearer s3cret-token", true)]
    [InlineData("bearer s3cret-token", true)]
    [InlineData("Bearer s3cret-tokem", false)]
    [InlineData("Bearer s3cret-token-longer", false)]
    [InlineData("Basic s3cret-token", false)]
    [InlineData("s3cret-token", false)]
    [InlineData(null, false)]
    public void Only_the_configured_bearer_token_matches(string? header, bool matches)
    {
        var token = new AgentToken(Options.Create(new AgentOptions { Token = "s3cret-token", DataDirectory = _directory }), NullLogger<AgentToken>.Instance);

        Assert.Equal(matches, token.Matches(header));
    }

    [Fact]
    public void Without_a_configured_token_a_random_one_is_written_readable_by_the_owner_only()
    {
        var token = new AgentToken(Options.Create(new AgentOptions { DataDirectory = _directory }), NullLogger<AgentToken>.Instance);
        var path = Path.Combine(_directory, "agent-token");

        var written = File.ReadAllText(path);

        Assert.Equal(64, written.Length);
        Assert.True(token.Matches($"Bearer {written}"));
        Assert.False(token.Matches("Bearer "));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void The_data_directory_it_creates_is_the_agent_users_alone()
    {
        var data = Path.Combine(_directory, "fresh", "agent");

        _ = new AgentToken(Options.Create(new AgentOptions { DataDirectory = data }), NullLogger<AgentToken>.Instance);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
