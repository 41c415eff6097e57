using GpuBench.Core.Config;
using Spectre.Console;

namespace GpuBench.Controller.Cli;

/// <summary>Prints config diagnostics the way compilers do, one per line, so editors can jump to file:line:col.</summary>
public static class DiagnosticsOutput
{
    public static void WriteDiagnostics(this IAnsiConsole console, ConfigLoadResult result)
    {
        foreach (var diagnostic in result.Diagnostics)
        {
            console.Write(new Text(diagnostic.ToString(), diagnostic.IsError ? new Style(Color.Red) : new Style(Color.Yellow)));
            console.WriteLine();
        }

        var errors = result.Errors.Count();
        if (errors > 0)
        {
            var warnings = result.Warnings.Count();
            console.Write(new Text($"{Plural(errors, "error")}, {Plural(warnings, "warning")}: fix the errors and run again.", new Style(Color.Red)));
            console.WriteLine();
        }
    }

    public static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
