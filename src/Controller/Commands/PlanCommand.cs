using System.Globalization;
using GpuBench.Controller.Campaigns;
using GpuBench.Controller.Cli;
using GpuBench.Core.Config;
using GpuBench.Core.Planning;
using Spectre.Console;
using Spectre.Console.Cli;
using Layout = GpuBench.Core.Planning.Layout;

namespace GpuBench.Controller.Commands;

/// <summary>
/// `gpubench plan`: the run matrix of the campaign with each run's load points (a grid's, or where a search starts:
/// the predicted limit), its predicted duration and cost, the campaign's; and the pairs that cannot be planned.
/// </summary>
public sealed class PlanCommand(IAnsiConsole console, RunPlanner planner, LoadPredictor predictor) : ConfigCommand<ConfigSettings>(console)
{
    protected override Task<int> ExecuteAsync(CommandContext context, ConfigSettings settings, BenchConfig config, CancellationToken cancellationToken)
    {
        var plan = planner.Plan(config);
        var estimates = plan.Runs.Select(run => new RunEstimate(run, predictor.Plan(run, cancellationToken))).ToArray();
        Console.Write(RunsTable(estimates));
        if (plan.Unplanned.Count > 0)
        {
            Console.Write(UnplannedTable(plan.Unplanned));
        }

        foreach (var search in CampaignEstimate.Searches(estimates))
        {
            Console.Write(new Text(search));
            Console.WriteLine();
        }

        Console.Write(new Text(CampaignEstimate.Describe(estimates)));
        Console.WriteLine();
        Console.Write(new Text($"{DiagnosticsOutput.Plural(plan.Runs.Count, "run")} planned, {plan.Unplanned.Count} not planned."));
        Console.WriteLine();
        return Task.FromResult(0);
    }

    private static Table RunsTable(IEnumerable<RunEstimate> estimates)
    {
        var table = new Table().Title("Runs").AddColumns("Server", "Model", "Workload", "Layout", "GPU ids")
            .AddColumn(new TableColumn("$/h").RightAligned()).AddColumn("Points")
            .AddColumn(new TableColumn("Predicted").RightAligned()).AddColumn(new TableColumn("Cost").RightAligned());
        foreach (var estimate in estimates)
        {
            var run = estimate.Run;
            table.AddRow(
                Cell(run.Server.Name),
                Cell(run.Model.Name),
                Cell(run.Workload.Name),
                Cell(run.Layout.ToString()),
                Cell(GpuIds(run.Layout)),
                Cell(FormatDollars(run.DollarsPerHour)),
                Cell(CampaignEstimate.Points(estimate)),
                Cell(estimate.Seconds is { } seconds ? CampaignEstimate.Duration(seconds) : "unknown"),
                Cell(estimate.Dollars is { } dollars ? CampaignEstimate.Dollars(dollars) : estimate.Seconds is null ? "unknown" : "no price"));
        }

        return table;
    }

    private static Table UnplannedTable(IEnumerable<UnplannedRun> unplanned)
    {
        var table = new Table().Title("Not planned").AddColumns("Server", "Model", "Workloads", "Reason");
        foreach (var item in unplanned)
        {
            table.AddRow(Cell(item.Server.Name), Cell(item.Model.Name), Cell(string.Join(", ", item.Workloads.Select(w => w.Name))), Cell(item.Reason));
        }

        return table;
    }

    /// <summary>The GPU ids of each replica, replicas separated by '|': "0,1|2,3" is two replicas of two GPUs.</summary>
    public static string GpuIds(Layout layout) => string.Join('|', layout.Placements.Select(p => p.DeviceList));

    /// <summary>"$0.78", or "no price" when config.yml has none for the GPU type: never $0.</summary>
    public static string FormatDollars(decimal? dollarsPerHour) =>
        dollarsPerHour is { } value ? string.Create(CultureInfo.InvariantCulture, $"${value:0.00}") : "no price";

    // Text, not markup: a '[' in a name must not be read as a style.
    private static Text Cell(string text) => new(text);
}
