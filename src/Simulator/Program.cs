using GpuBench.Simulator.Cli;
using GpuBench.Simulator.Serving;

var app = SimulatorApp.Create(VllmArguments.Parse(args));
app.Run();
