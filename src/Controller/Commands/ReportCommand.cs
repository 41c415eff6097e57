using System.ComponentModel;
using GpuBench.Reporting;
using GpuBench.Reporting.Pricing;
using Spectre.Console;
using Spectre.Console.Cli;
using YamlDotNet.RepresentationModel;

namespace GpuBench.Controller.Commands;

/// <summary>
/// <c>gpubench report</c>: turns a results folder (GpuBench's, the article's, or both) into report.md, report.html and
/// summary.csv. Prices come from config.yml and can be overridden per GPU type without re-running anything.
/// </summary>
public sealed class ReportCommand(IAnsiConsole console) : AsyncCommand<ReportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--results <DIR>")]
        [Description("Folder of results: GpuBench run folders and/or the article's *_vllm_benchmark.txt files. Default: config's results_dir, else ./results.")]
        public string? Results { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Where report.md, report.html, summary.csv and charts/ go. Default: ./report.")]
        public string Out { get; init; } = "report";

        [CommandOption("--config <FILE>")]
        [Description("config.yml whose prices: ($ per GPU-hour by GPU type) the report uses. Default: ./config.yml when present.")]
        public string? Config { get; init; }

        [CommandOption("--price <TYPE=USD>")]
        [Description("Overrides one GPU type's $ per GPU-hour, e.g. --price rtx4090=0.45. Repeatable.")]
        public string[] Prices { get; init; } = [];

        public override ValidationResult Validate()
        {
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
        var configPath = settings.Config ?? (File.Exists("config.yml") ? "config.yml" : null);
        var config = configPath is null ? ConfigPrices.None : await ConfigPrices.ReadAsync(configPath, cancellationToken).ConfigureAwait(false);
        var prices = config.Prices.With(settings.Prices.Select(PriceTable.ParseOverride));
        var results = settings.Results ?? config.ResultsDirectory ?? "results";

        ReportOutput output;
        try
        {
            output = await ReportGenerator.GenerateAsync(new ReportRequest(results, settings.Out, prices), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or DirectoryNotFoundException or FormatException)
        {
            console.MarkupLineInterpolated($"[red]gpubench report:[/] {e.Message}");
            return 2;
        }

        foreach (var model in output.Report.Models)
        {
            console.MarkupLineInterpolated($"[bold]{model.Model}[/]: {model.Rows.Count} configurations");
            if (model.ThroughputWinner is { } fastest)
            {
                console.MarkupLineInterpolated($"  fastest: {fastest.Label}, {fastest.Run.Metrics.TotalTokensPerS:N0} total tok/s");
            }

            if (model.CostWinner is { } cheapest)
            {
                console.MarkupLineInterpolated($"  cheapest: {cheapest.Label}, ${cheapest.UsdPerMtokTotal:0.000}/Mtok (total-token basis)");
            }
        }

        foreach (var note in output.Notes)
        {
            console.MarkupLineInterpolated($"[yellow]note:[/] tokens/s over the run {note}");
        }

        console.MarkupLineInterpolated($"Wrote {output.MarkdownPath}, {output.HtmlPath}, {output.CsvPath} and {output.ChartPaths.Count} charts.");
        return 0;
    }

    /// <summary>The parts of config.yml the report needs: prices: and results_dir:.</summary>
    private sealed record ConfigPrices(PriceTable Prices, string? ResultsDirectory)
    {
        public static ConfigPrices None { get; } = new(PriceTable.Empty, null);

        public static async Task<ConfigPrices> ReadAsync(string path, CancellationToken cancellationToken)
        {
            var yaml = new YamlStream();
            yaml.Load(new StringReader(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)));
            if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            {
                return None;
            }

            var prices = new List<KeyValuePair<string, double>>();
            if (root.Children.TryGetValue(new YamlScalarNode("prices"), out var node) && node is YamlMappingNode map)
            {
                foreach (var (key, value) in map.Children)
                {
                    prices.Add(PriceTable.ParseOverride($"{key}={value}"));
                }
            }

            var resultsDir = root.Children.TryGetValue(new YamlScalarNode("results_dir"), out var dir) ? dir.ToString() : null;
            return new ConfigPrices(new PriceTable(prices), resultsDir);
        }
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
