using System.Collections.Concurrent;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace GpuBench.Controller.Campaigns;

/// <summary>
/// The campaign in the terminal: one row per server with its current run, phase, requests done/failed and output
/// tokens/s, redrawn live on an interactive terminal; elsewhere (CI, a pipe) one line per finished run.
/// </summary>
public sealed class LiveView(IAnsiConsole console) : ICampaignObserver
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(250);
    private readonly ConcurrentDictionary<string, ServerProgress> _servers = new(StringComparer.Ordinal);

    public bool Interactive => console.Profile.Capabilities.Interactive;

    public void OnProgress(ServerProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        _servers[progress.Server] = progress;
    }

    public void OnOutcome(RunOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (Interactive)
        {
            return;
        }

        var text = outcome.Kind switch
        {
            RunOutcomeKind.Completed => $"done     {outcome.RelativePath}: {Rate(outcome.OutputTokensPerS)} output tok/s",
            RunOutcomeKind.Skipped => $"skipped  {outcome.RelativePath}: {outcome.Reason}",
            _ => $"FAILED   {outcome.RelativePath}: {outcome.Reason}",
        };
        lock (console)
        {
            console.Write(new Text(text + Environment.NewLine));
        }
    }

    /// <summary>Runs <paramref name="work"/> while the live table redraws; without a terminal, just runs it.</summary>
    public async Task<T> ShowAsync<T>(Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!Interactive)
        {
            return await work().ConfigureAwait(false);
        }

        return await console.Live(Render()).AutoClear(false).StartAsync(async context =>
        {
            var task = work();
            while (!task.IsCompleted)
            {
                await Task.WhenAny(task, Task.Delay(Refresh)).ConfigureAwait(false);
                context.UpdateTarget(Render());
            }

            return await task.ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>The table as it stands now.</summary>
    public IRenderable Render()
    {
        var table = new Table().AddColumns("Server", "Runs", "Current run", "Phase", "Requests", "Failed", "Output tok/s", "Note");
        foreach (var progress in _servers.Values.OrderBy(p => p.Server, StringComparer.Ordinal))
        {
            table.AddRow(
                new Text(progress.Server),
                new Text($"{progress.RunsDone}/{progress.RunsTotal}"),
                new Text(progress.Run ?? "-"),
                new Text(progress.Phase.ToString().ToLowerInvariant()),
                new Text(progress.RequestsTotal > 0 ? $"{progress.RequestsCompleted}/{progress.RequestsTotal}" : "-"),
                new Text((progress.RunsFailed + progress.RequestsFailed) > 0
                    ? $"{progress.RequestsFailed} req, {progress.RunsFailed} runs" : "0", new Style(progress.RunsFailed > 0 ? Color.Red : Color.Default)),
                new Text(progress.Phase == RunPhase.Running ? Rate(progress.OutputTokensPerS) : "-"),
                new Text(progress.Message ?? ""));
        }

        return table;
    }

    private static string Rate(double? tokensPerS) => tokensPerS?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-";
}
