using GpuBench.Core.Config;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GpuBench.Controller.Cli;

/// <summary>
/// A command that needs a valid config: loads it, prints its warnings, and stops with exit code 1 and every
/// error printed when it does not validate. Derived commands only see a valid <see cref="BenchConfig"/>.
/// </summary>
public abstract class ConfigCommand<TSettings>(IAnsiConsole console) : AsyncCommand<TSettings>
    where TSettings : ConfigSettings
{
    public const int InvalidConfigExitCode = 1;

    protected IAnsiConsole Console { get; } = console;

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        var result = ConfigLoader.Load(settings.ConfigPath);
        if (result.Config is { } loaded && DatasetCheck.Check(loaded) is { Count: > 0 } datasets)
        {
            result = new ConfigLoadResult(datasets.Any(d => d.IsError) ? null : loaded, [.. result.Diagnostics, .. datasets]);
        }

        Console.WriteDiagnostics(result);
        if (result.Config is not { } config)
        {
            return InvalidConfigExitCode;
        }

        return await ExecuteAsync(context, settings, config, cancellationToken);
    }

    protected abstract Task<int> ExecuteAsync(CommandContext context, TSettings settings, BenchConfig config, CancellationToken cancellationToken);
}
