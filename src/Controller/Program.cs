using GpuBench.Controller.Commands;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("gpubench");
    config.AddLoadCommand();
});
return await app.RunAsync(args);
