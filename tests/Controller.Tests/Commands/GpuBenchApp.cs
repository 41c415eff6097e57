using GpuBench.Controller.Cli;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Cli.Testing;
using Spectre.Console.Testing;

namespace GpuBench.Controller.Tests.Commands;

/// <summary>The `gpubench` app as Program.cs builds it, run in-process against a console that records its output.</summary>
internal static class GpuBenchApp
{
    public static CommandAppResult Run(params string[] args) => RunAtWidth(250, args);

    /// <summary>Runs with services of the test's own in place of some of `gpubench`'s (registered last, they win).</summary>
    public static CommandAppResult RunWith(Action<IServiceCollection> replace, params string[] args) => RunAtWidth(250, args, replace);

    /// <summary>Runs with a console <paramref name="width"/> columns wide (250 by default: no table wraps, tests read whole rows).</summary>
    public static CommandAppResult RunAtWidth(int width, params string[] args) => RunAtWidth(width, args, null);

    private static CommandAppResult RunAtWidth(int width, string[] args, Action<IServiceCollection>? replace)
    {
        var console = new TestConsole().Width(width);
        var services = new ServiceCollection().AddGpuBenchCli(console);
        replace?.Invoke(services);
        var app = new CommandAppTester(new TypeRegistrar(services), new CommandAppTesterSettings(), console);
        app.Configure(config => config.AddGpuBenchCommands());
        return app.Run(args);
    }

    /// <summary>Writes <paramref name="yaml"/> to config.yml in a fresh folder and returns its path.</summary>
    public static string WriteConfig(string yaml)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "config.yml");
        File.WriteAllText(path, yaml);
        return path;
    }

    public static string[] Lines(this CommandAppResult result) => result.Output.Split('\n').Select(l => l.TrimEnd()).ToArray();
}
