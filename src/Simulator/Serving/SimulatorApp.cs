using GpuBench.ServiceDefaults;
using GpuBench.Simulator.Cli;

namespace GpuBench.Simulator.Serving;

/// <summary>Builds the simulator's web application from parsed options: used by Program and by tests.</summary>
public static class SimulatorApp
{
    public static WebApplication Create(SimulatorOptions options)
    {
        var builder = WebApplication.CreateBuilder();
        builder.UseVllmCommandLine(options);
        builder.AddServiceDefaults();
        builder.Services.AddSimulator(options);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapSimulator();
        return app;
    }
}
