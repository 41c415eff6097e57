using GpuBench.Controller.Commands;
using Spectre.Console.Cli;

namespace GpuBench.Controller.Cli;

/// <summary>Every `gpubench` command, registered once for the executable and for the tests that drive it.</summary>
public static class GpuBenchCommands
{
    public static IConfigurator AddGpuBenchCommands(this IConfigurator config)
    {
        config.SetApplicationName("gpubench");

        // One line per command, in the order `gpubench --help` lists them.
        config.AddCommand<ValidateCommand>("validate").WithDescription("Check config.yml and print every error and warning.");
        config.AddCommand<PlanCommand>("plan").WithDescription("Show the run matrix: server × model × workload, layout, GPU ids, $/hour.");
        config.AddCommand<BundleCommand>("bundle").WithDescription("Build the agent bundle SSH boxes get: agent, gateway and simulator, self-contained, content-hashed.");
        config.AddCommand<BenchCommand>("bench").WithDescription("Run the campaign: every planned run on every server; resumes where it stopped.");
        config.AddLoadCommand();
        config.AddReportCommand();
        config.AddCommand<PredictCommand>("predict").WithDescription("Predict what a GPU configuration does with a model and workload, in simulated time.");

        return config;
    }
}
