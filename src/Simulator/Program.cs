using GpuBench.Simulator.Cli;
using GpuBench.Simulator.Serving;

SimulatorOptions options;
try
{
    options = VllmArguments.Parse(args);
}
catch (VllmCliException refused)
{
    // As vLLM ends: its message on stderr, its exit code.
    Console.Error.WriteLine(refused.Message);
    return refused.ExitCode;
}

var app = SimulatorApp.Create(options);
app.Run();
return 0;
