using GpuBench.Controller.Cli;
using GpuBench.Core.Config;
using GpuBench.Core.Planning;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GpuBench.Controller.Commands;

/// <summary>`gpubench validate`: every problem of config.yml at once; exit code 1 when any is an error.</summary>
public sealed class ValidateCommand(IAnsiConsole console, RunPlanner planner) : ConfigCommand<ConfigSettings>(console)
{
    protected override Task<int> ExecuteAsync(CommandContext context, ConfigSettings settings, BenchConfig config, CancellationToken cancellationToken)
    {
        var plan = planner.Plan(config);
        Console.Write(new Text(
            $"{config.SourceName} is valid: {DiagnosticsOutput.Plural(config.Servers.Count, "server")}, " +
            $"{DiagnosticsOutput.Plural(config.Models.Count, "model")}, {DiagnosticsOutput.Plural(config.Workloads.Count, "workload")} " +
            $"→ {DiagnosticsOutput.Plural(plan.Runs.Count, "run")}" +
            (plan.Unplanned.Count > 0 ? $" ({plan.Unplanned.Count} model/server pairs do not fit; see gpubench plan)" : "") + ".",
            new Style(Color.Green)));
        Console.WriteLine();
        return Task.FromResult(0);
    }
}
