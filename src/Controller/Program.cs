using GpuBench.Controller.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

// The `gpubench` command line. Each command is one line in Cli/GpuBenchCommands.cs; its services go in Cli/CliServices.cs.
var services = new ServiceCollection().AddGpuBenchCli(AnsiConsole.Console);
var app = new CommandApp(new TypeRegistrar(services));
app.Configure(config => config.AddGpuBenchCommands());
return await app.RunAsync(args);
