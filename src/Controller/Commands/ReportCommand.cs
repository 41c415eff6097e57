using System.ComponentModel;
using GpuBench.Controller.Cli;
using GpuBench.Core.Config;
using GpuBench.Core.Planning;
using GpuBench.Reporting;
using GpuBench.Reporting.Pricing;
using GpuBench.Reporting.Rendering;
using GpuBench.Reporting.Statistics;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GpuBench.Controller.Commands;

/// <summary>
/// <c>gpubench report</c>: turns a results folder (GpuBench's, the article's, or both) into report.md, report.html,
/// summary.csv and, for workloads with an SLO, slo.csv. A run is priced as it recorded, else by config.yml; --price overrides a GPU type without re-running.
/// </summary>
public sealed class ReportCommand(IAnsiConsole console, RunPlanner planner) : AsyncCommand<ReportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--results <DIR>")]
        [Description("Folder of results: GpuBench run folders and/or the article's *_vllm_benchmark.txt files. Default: config's results_dir, else ./results.")]
        public string? Results { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Where report.md, report.html, summary.csv and charts/ go. Default: ./report.")]
        public string Out { get; init; } = "report";

        [CommandOption("-c|--config <PATH>")]
        [Description("config.yml whose prices: ($ per GPU-hour by GPU type) price the runs that recorded none. Default: ./config.yml when present.")]
        public string? Config { get; init; }

        [CommandOption("--price <TYPE=USD>")]
        [Description("Overrides one GPU type's $ per GPU-hour, e.g. --price rtx4090=0.45. Repeatable.")]
        public string[] Prices { get; init; } = [];

        [CommandOption("--confidence <LEVEL>")]
        [Description("Confidence level of the intervals of the SLO figures, in (0, 1). Default: 0.95.")]
        public double Confidence { get; init; } = Bootstrap.DefaultLevel;

        public override ValidationResult Validate()
        {
            if (!(Confidence is > 0 and < 1))
            {
                return ValidationResult.Error($"--confidence {Confidence.ToString(System.Globalization.CultureInfo.InvariantCulture)}: give a level between 0 and 1, e.g. --confidence 0.9.");
            }

            foreach (var price in Prices)
            {
                try
                {
                    PriceTable.ParseOverride(price);
                }
                catch (FormatException e)
                {
                    return ValidationResult.Error(e.Message);
                }
            }

            return Config is not null && !File.Exists(Config)
                ? ValidationResult.Error($"--config {Config}: no such file.")
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var configPath = settings.Config ?? (File.Exists(ConfigLoader.DefaultFileName) ? ConfigLoader.DefaultFileName : null);
        BenchConfig? config = null;
        if (configPath is not null)
        {
            var loaded = ConfigLoader.Load(configPath);
            console.WriteDiagnostics(loaded);
            if (loaded.Config is null)
            {
                return ConfigCommand<ConfigSettings>.InvalidConfigExitCode;
            }

            config = loaded.Config;
        }

        var prices = config is null ? PriceTable.Empty : PriceTable.FromConfig(config.Prices);
        var request = new ReportRequest(settings.Results ?? config?.ResultsDir ?? "results", settings.Out, prices)
        {
            PriceOverrides = new PriceTable(settings.Prices.Select(PriceTable.ParseOverride)),
            Plan = config is null ? null : planner.Plan(config),
            ConfidenceLevel = settings.Confidence,
        };

        ReportOutput output;
        try
        {
            output = await ReportGenerator.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or DirectoryNotFoundException or FormatException)
        {
            console.MarkupLineInterpolated($"[red]gpubench report:[/] {e.Message}");
            return 2;
        }

        Summarize(output);
        return 0;
    }

    private void Summarize(ReportOutput output)
    {
        foreach (var workload in output.Slo.Workloads)
        {
            console.MarkupLineInterpolated($"[bold]{workload.Workload}[/] ({SloSection.Describe(workload.Slo)}): {workload.Configurations.Count} configurations");
            console.MarkupLineInterpolated($"  {SloSection.VerdictLead(workload)} {SloSection.VerdictText(workload, output.Slo.Level)}");
        }

        foreach (var model in output.Report.AtOneLoad().Models)
        {
            console.MarkupLineInterpolated($"[bold]{model.Model}[/]: {model.Rows.Count} configurations");
            if (model.ThroughputWinner is { } fastest)
            {
                console.MarkupLineInterpolated($"  fastest:  {fastest.Label}, {Numbers.TokensPerS(fastest.Run.Metrics.TotalTokensPerS)} total tok/s");
            }

            if (model.CostWinner is { } cheapest)
            {
                console.MarkupLineInterpolated($"  cheapest: {cheapest.Label}, {Numbers.UsdPerMtok(cheapest.UsdPerMtokTotal)}/Mtok (total-token basis)");
            }

            foreach (var flagged in model.Rows.Where(r => r.Run.IsFlagged))
            {
                console.MarkupLineInterpolated($"  [yellow]{flagged.Label}: {flagged.Run.Status}[/]");
            }
        }

        foreach (var skipped in output.Skipped)
        {
            console.MarkupLineInterpolated($"[yellow]not read:[/] {skipped.Path}: {skipped.Reason}");
        }

        foreach (var note in output.Notes)
        {
            console.MarkupLineInterpolated($"[yellow]note:[/] tokens/s over the run {note}");
        }

        var slo = output.SloCsvPath is { } sloCsv ? $", {sloCsv}" : "";
        console.MarkupLineInterpolated($"Wrote {output.MarkdownPath}, {output.HtmlPath}, {output.CsvPath}{slo} and {output.ChartPaths.Count} charts.");
    }
}

/// <summary>Registers <c>gpubench report</c>.</summary>
public static class ReportCommandRegistration
{
    public static IConfigurator AddReportCommand(this IConfigurator configurator)
    {
        configurator.AddCommand<ReportCommand>("report")
            .WithDescription("Write report.md, report.html and summary.csv from a results folder, with $ per million tokens and charts.")
            .WithExample("report", "--results", "results", "--price", "rtx4090=0.45");
        return configurator;
    }
}
