using GpuBench.Core.Config;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace GpuBench.Controller.Cli;

/// <summary>
/// Prints config diagnostics the way compilers do: one unwrapped line each, so that editors and CI logs can
/// jump to file:line:col. Errors are red and warnings yellow where the terminal has colours.
/// </summary>
public static class DiagnosticsOutput
{
    public static void WriteDiagnostics(this IAnsiConsole console, ConfigLoadResult result)
    {
        foreach (var diagnostic in result.Diagnostics)
        {
            console.Write(new UnwrappedLine(diagnostic.ToString(), diagnostic.IsError ? Color.Red : Color.Yellow));
        }

        var errors = result.Errors.Count();
        if (errors > 0)
        {
            console.Write(new UnwrappedLine($"{Plural(errors, "error")}, {Plural(result.Warnings.Count(), "warning")}: fix the errors and run again.", Color.Red));
        }
    }

    public static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    // Spectre's Text wraps at the console width; a diagnostic must stay on one line whatever the width.
    private sealed class UnwrappedLine(string text, Color colour) : Renderable
    {
        protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth) =>
            [new Segment(text, new Style(colour)), Segment.LineBreak];
    }
}
