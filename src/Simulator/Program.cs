using GpuBench.ServiceDefaults;
using GpuBench.Simulator.Cli;
using GpuBench.Simulator.Serving;

var options = VllmArguments.Parse(args);
var builder = WebApplication.CreateBuilder();
builder.UseVllmCommandLine(options);
builder.AddServiceDefaults();
builder.Services.AddSimulator(options);

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapSimulator();
app.Run();
