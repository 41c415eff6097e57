using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace GpuBench.Simulator.Tests.Serving;

/// <summary>
/// The simulator program's own standard output, as a deployment's log collects it: per request at most uvicorn's
/// one access line, and none when the command line turns request logs off.
/// </summary>
public partial class AccessLogTests
{
    private const int Completions = 3;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_request_writes_exactly_one_uvicorn_style_access_line()
    {
        var lines = await ServeAndStopAsync([]);

        Assert.Equal(Completions + 1, lines.Count);
        Assert.All(lines[..Completions], line => Assert.Matches(CompletionLine(), line));
        Assert.Matches(HealthLine(), lines[^1]);
    }

    [Theory]
    [InlineData("--disable-uvicorn-access-log")]
    [InlineData("--disable-log-requests")]
    [InlineData("--no-enable-log-requests")]
    [InlineData("--uvicorn-log-level=warning")]
    public async Task Flags_that_turn_request_logs_off_leave_no_line_per_request(string flag)
    {
        var lines = await ServeAndStopAsync([flag]);

        Assert.Empty(lines);
    }

    private static async Task<List<string>> ServeAndStopAsync(string[] flags)
    {
        await using var simulator = await SimulatorProcess.StartAsync(flags);
        for (var i = 0; i < Completions; i++)
        {
            var body = new { model = SimulatorProcess.Model, prompt = $" ka be{i}", max_tokens = 4, stream = true, ignore_eos = true };
            using var response = await simulator.Client.PostAsJsonAsync("/v1/completions", body, Cancel);
            await response.Content.ReadAsStringAsync(Cancel);
        }

        (await simulator.Client.GetAsync("/health", Cancel)).Dispose();
        return await simulator.StopAsync();
    }

    [GeneratedRegex(@"^info: uvicorn\.access\[\d+\] 127\.0\.0\.1:\d+ - ""POST /v1/completions HTTP/1\.1"" 200 OK$")]
    private static partial Regex CompletionLine();

    [GeneratedRegex(@"^info: uvicorn\.access\[\d+\] 127\.0\.0\.1:\d+ - ""GET /health HTTP/1\.1"" 200 OK$")]
    private static partial Regex HealthLine();
}
