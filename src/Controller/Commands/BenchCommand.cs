using System.ComponentModel;
using System.Globalization;
using GpuBench.Controller.Campaigns;
using GpuBench.Controller.Cli;
using GpuBench.Controller.Ssh;
using GpuBench.Core.Config;
using GpuBench.Core.Planning;
using GpuBench.Core.Results;
using GpuBench.Reporting;
using GpuBench.Reporting.Pricing;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GpuBench.Controller.Commands;

/// <summary>
/// `gpubench bench`: runs the campaign's whole matrix (servers in parallel, runs of a server one after another),
/// writes results/&lt;campaign&gt;/&lt;server&gt;/&lt;model&gt;/&lt;workload&gt;/, then the report, and a summary table.
/// </summary>
public sealed class BenchCommand(IAnsiConsole console, RunPlanner planner, CampaignRunner runner) : ConfigCommand<BenchCommand.Settings>(console)
{
    /// <summary>Exit code when at least one run failed (each is recorded with its reason).</summary>
    public const int RunsFailedExitCode = 2;

    /// <summary>Exit code when the campaign folder cannot be had: another controller holds it, or it cannot be written.</summary>
    public const int CampaignFolderExitCode = 3;

    /// <summary>Exit code when the campaign was interrupted; the next bench resumes it.</summary>
    public const int CancelledExitCode = 130;

    /// <summary>The campaign name when none is given and the config file is the default config.yml.</summary>
    public const string DefaultCampaign = "default";

    public sealed class Settings : ConfigSettings
    {
        [CommandOption("--force")]
        [Description("Run again what an earlier bench of this campaign already completed.")]
        public bool Force { get; init; }

        [CommandOption("--server <NAME>")]
        [Description("Only this server (repeatable). Default: every server in the config.")]
        public string[] Servers { get; init; } = [];

        [CommandOption("--campaign <NAME>")]
        [Description("Results go to <results_dir>/<campaign>/. Default: the config file's name without extension, \"default\" for config.yml.")]
        public string? Campaign { get; init; }

        [CommandOption("--bundle <DIR>")]
        [Description("The agent bundle (agent/, gateway/, simulator/ self-contained publishes) uploaded to SSH servers and used for local ones. Default for SSH servers: the one `gpubench bundle` built for the box's runtime id.")]
        public string? Bundle { get; init; }

        public override ValidationResult Validate()
        {
            if (Campaign is not null && SafeNames.Problem(Campaign) is { } problem)
            {
                return ValidationResult.Error($"--campaign {Campaign}: {problem}.");
            }

            return Bundle is not null && !Directory.Exists(Bundle)
                ? ValidationResult.Error($"--bundle {Bundle}: no such directory.")
                : ValidationResult.Success();
        }

        /// <summary>The campaign name: --campaign, else the config file's stem ("default" for config.yml).</summary>
        public string CampaignName
        {
            get
            {
                if (Campaign is not null)
                {
                    return Campaign;
                }

                var stem = Path.GetFileNameWithoutExtension(ConfigPath);
                return stem == Path.GetFileNameWithoutExtension(ConfigLoader.DefaultFileName) || SafeNames.Problem(stem) is not null ? DefaultCampaign : stem;
            }
        }
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, Settings settings, BenchConfig config, CancellationToken cancellationToken)
    {
        var unknown = settings.Servers.Where(s => config.Servers.All(c => c.Name != s)).ToList();
        if (unknown.Count > 0)
        {
            Console.MarkupLineInterpolated($"[red]--server {string.Join(", ", unknown)}: not in {config.SourceName} (servers: {string.Join(", ", config.Servers.Select(s => s.Name))}).[/]");
            return InvalidConfigExitCode;
        }

        var plan = planner.Plan(config);
        var bundles = BundleStore.Default();
        var campaign = new CampaignSettings
        {
            Name = settings.CampaignName,
            Force = settings.Force,
            Servers = settings.Servers,
            Reach = new AgentReach { LocalTools = LocalTools(settings.Bundle, bundles), BundleDirectory = settings.Bundle, Bundles = bundles },
        };
        Console.MarkupLineInterpolated($"Campaign [bold]{campaign.Name}[/]: {plan.Runs.Count} runs planned, results in {Path.Combine(config.ResultsDir, campaign.Name)}");

        var view = new LiveView(Console);
        CampaignResult result;
        try
        {
            result = await view.ShowAsync(() => runner.RunAsync(config, plan, campaign, view, cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.MarkupLine("[yellow]Interrupted. Finished runs are kept; the next `gpubench bench` resumes from there.[/]");
            return CancelledExitCode;
        }
        catch (Exception e) when (e is CampaignLockedException or RunFolderWriteException)
        {
            Console.MarkupLineInterpolated($"[red]gpubench bench: {e.Message}[/]");
            return CampaignFolderExitCode;
        }

        Console.Write(SummaryTable(result.Outcomes));
        await ReportAsync(config, plan, result, cancellationToken).ConfigureAwait(false);
        Console.MarkupLineInterpolated(
            $"{result.Outcomes.Count(o => o.Kind == RunOutcomeKind.Completed)} completed, {result.Outcomes.Count(o => o.Kind == RunOutcomeKind.Skipped)} skipped (already complete), {result.Failed} failed.");
        return result.Failed > 0 ? RunsFailedExitCode : 0;
    }

    /// <summary>A local agent's programs: --bundle's, else installed next to gpubench, else the bundle `gpubench bundle` stored for this machine.</summary>
    public static AgentTools? LocalTools(string? bundle, BundleStore bundles, string? besideDirectory = null) =>
        AgentTools.FindLocal(bundle, besideDirectory) ?? (bundle is null ? AgentTools.FromStore(bundles) : null);

    private async Task ReportAsync(BenchConfig config, RunPlan plan, CampaignResult result, CancellationToken cancellationToken)
    {
        var prices = new PriceTable(config.Prices.Select(p => KeyValuePair.Create(p.Key, (double)p.Value)));
        try
        {
            var output = await ReportGenerator.GenerateAsync(
                new ReportRequest(result.Directory, Path.Combine(result.Directory, "report"), prices) { Plan = plan }, cancellationToken).ConfigureAwait(false);
            Console.MarkupLineInterpolated($"Report: {output.MarkdownPath} and {output.HtmlPath}");
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            Console.MarkupLineInterpolated($"[yellow]No report: {e.Message}[/]");
        }
    }

    private static Table SummaryTable(IEnumerable<RunOutcome> outcomes)
    {
        var table = new Table().Title("Campaign").AddColumns("Server", "Model", "Workload", "Layout", "Outcome")
            .AddColumn(new TableColumn("Output tok/s").RightAligned()).AddColumn(new TableColumn("Total tok/s").RightAligned()).AddColumn("Reason");
        foreach (var o in outcomes.OrderBy(o => o.RelativePath, StringComparer.Ordinal))
        {
            table.AddRow(
                new Text(o.Server), new Text(o.Model), new Text(o.Workload), new Text(o.Layout),
                new Text(o.Kind.ToString().ToLowerInvariant(), new Style(o.Kind == RunOutcomeKind.Failed ? Color.Red : Color.Default)),
                new Text(Rate(o.OutputTokensPerS)), new Text(Rate(o.TotalTokensPerS)), new Text(o.Reason ?? ""));
        }

        return table;
    }

    private static string Rate(double? value) => value?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-";
}
