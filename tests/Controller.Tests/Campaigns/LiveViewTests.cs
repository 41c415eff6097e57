using GpuBench.Controller.Campaigns;
using Spectre.Console.Testing;

namespace GpuBench.Controller.Tests.Campaigns;

public sealed class LiveViewTests
{
    [Fact]
    public void Table_shows_each_servers_current_run_phase_requests_and_output_rate()
    {
        var console = new TestConsole().Width(200);
        var view = new LiveView(console);
        view.OnProgress(new ServerProgress("h100-box", "h100-box/qwen/chat", RunPhase.Running, 1, 4, 0, 30, 2, 400, 1234.56, null));
        view.OnProgress(new ServerProgress("a-4090", null, RunPhase.Deploying, 0, 2, 1, 0, 0, 0, 0, "slow start"));

        console.Write(view.Render());

        var lines = console.Output.Split('\n');
        var h100 = Assert.Single(lines, l => l.Contains("h100-box", StringComparison.Ordinal));
        Assert.Contains("1/4", h100, StringComparison.Ordinal);
        Assert.Contains("h100-box/qwen/chat", h100, StringComparison.Ordinal);
        Assert.Contains("running", h100, StringComparison.Ordinal);
        Assert.Contains("30/400", h100, StringComparison.Ordinal);
        Assert.Contains("2 req, 0 runs", h100, StringComparison.Ordinal);
        Assert.Contains("1234.6", h100, StringComparison.Ordinal);
        var box = Assert.Single(lines, l => l.Contains("a-4090", StringComparison.Ordinal));
        Assert.Contains("deploying", box, StringComparison.Ordinal);
        Assert.Contains("slow start", box, StringComparison.Ordinal);
        Assert.True(lines.ToList().FindIndex(l => l.Contains("a-4090", StringComparison.Ordinal)) < lines.ToList().FindIndex(l => l.Contains("h100-box", StringComparison.Ordinal)));
    }

    [Fact]
    public void Without_a_terminal_each_finished_run_is_one_line()
    {
        var console = new TestConsole();
        var view = new LiveView(console);

        view.OnOutcome(new RunOutcome("s", "m", "w", "1 × 1", RunOutcomeKind.Failed, "engine did not start: oom", null, null, null));
        view.OnOutcome(new RunOutcome("s", "m", "w2", "1 × 1", RunOutcomeKind.Completed, null, 512.25, 900, 0));

        Assert.Contains("FAILED   s/m/w: engine did not start: oom", console.Output, StringComparison.Ordinal);
        Assert.Contains("done     s/m/w2: 512.3 output tok/s", console.Output, StringComparison.Ordinal);
    }
}
