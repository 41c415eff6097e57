using GpuBench.Controller.Campaigns;
using GpuBench.Controller.Ssh;
using GpuBench.Core.Hardware;
using GpuBench.Core.Planning;
using Spectre.Console;

namespace GpuBench.Controller.Cli;

/// <summary>What `gpubench` commands get injected. Commands needing more register it here.</summary>
public static class CliServices
{
    public static IServiceCollection AddGpuBenchCli(this IServiceCollection services, IAnsiConsole console)
    {
        services.AddSingleton(console);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(GpuCatalog.Default);
        services.AddSingleton(sp => new RunPlanner(sp.GetRequiredService<GpuCatalog>()));
        services.AddSingleton(sp => new LoadPredictor(sp.GetRequiredService<GpuCatalog>()));
        services.AddCampaigns();
        services.AddSingleton<IBundlePublisher>(_ => new DotnetBundlePublisher(line => console.WriteLine(line)));
        return services;
    }
}
