using System.ComponentModel;
using GpuBench.Core.Config;
using Spectre.Console.Cli;

namespace GpuBench.Controller.Cli;

/// <summary>Options of every command that reads config.yml. Commands with more options derive from it.</summary>
public class ConfigSettings : CommandSettings
{
    [CommandOption("-c|--config <PATH>")]
    [Description("The campaign's config file.")]
    [DefaultValue(ConfigLoader.DefaultFileName)]
    public string ConfigPath { get; set; } = ConfigLoader.DefaultFileName;
}
