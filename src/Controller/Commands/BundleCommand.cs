using System.ComponentModel;
using GpuBench.Controller.Ssh;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GpuBench.Controller.Commands;

/// <summary>
/// `gpubench bundle`: builds the agent bundle SSH boxes get (self-contained publishes of agent, gateway and
/// simulator for one runtime id), stores it under its content hash and makes it the one `gpubench bench` uploads.
/// </summary>
public sealed class BundleCommand(IAnsiConsole console, IBundlePublisher publisher) : AsyncCommand<BundleCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--runtime <RID>")]
        [Description("The boxes' .NET runtime id: linux-x64 (default) or linux-arm64.")]
        [DefaultValue(BundleStore.DefaultRuntimeId)]
        public string RuntimeId { get; init; } = BundleStore.DefaultRuntimeId;

        [CommandOption("--output <DIR>")]
        [Description("The bundle store. Default: $GPUBENCH_BUNDLES, else ~/.cache/gpubench/bundles (where `gpubench bench` looks).")]
        public string? Output { get; init; }

        [CommandOption("--source <DIR>")]
        [Description("GpuBench's source tree (the folder of GpuBench.sln). Default: found above the current folder.")]
        public string? Source { get; init; }

        public override ValidationResult Validate() =>
            RuntimeIds.Supported.Contains(RuntimeId)
                ? ValidationResult.Success()
                : ValidationResult.Error($"--runtime {RuntimeId}: not one a bundle is built for ({string.Join(", ", RuntimeIds.Supported)}).");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var source = settings.Source ?? BundleBuilder.FindSourceRoot(Directory.GetCurrentDirectory());
        if (source is null)
        {
            console.MarkupLine("[red]GpuBench's source tree is not above the current folder: pass --source DIR (the folder of GpuBench.sln).[/]");
            return 1;
        }

        var store = settings.Output is { } output ? new BundleStore(output) : BundleStore.Default();
        console.MarkupLineInterpolated($"Publishing agent, gateway and simulator for [bold]{settings.RuntimeId}[/] from {source}");
        try
        {
            var (bundle, reused) = await new BundleBuilder(publisher).BuildAsync(source, settings.RuntimeId, store, cancellationToken).ConfigureAwait(false);
            var files = (await AgentBundle.LoadAsync(bundle.Directory, cancellationToken).ConfigureAwait(false)).Files;
            console.MarkupLineInterpolated(
                $"Bundle [bold]{bundle.Hash}[/] ({files.Count} files, {files.Sum(f => f.Length) / 1e6:0.0} MB){(reused ? ", unchanged since the last build" : "")}: {bundle.Directory}");
            return 0;
        }
        catch (InvalidOperationException e)
        {
            console.MarkupLineInterpolated($"[red]{e.Message}[/]");
            return 1;
        }
    }
}
