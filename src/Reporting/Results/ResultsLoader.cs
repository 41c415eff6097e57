using GpuBench.Core.Planning;
using GpuBench.Reporting.Import;
using GpuBench.Reporting.Runs;

namespace GpuBench.Reporting.Results;

/// <summary>The runs found under a results folder, and the result files that could not be read, with why.</summary>
public sealed record LoadedResults(IReadOnlyList<BenchmarkRun> Runs, IReadOnlyList<SkippedFile> Skipped);

/// <summary>A result file left out of the report.</summary>
public sealed record SkippedFile(string Path, string Reason);

/// <summary>
/// Finds every run under a folder: GpuBench's run folders (result.json or benchmark.txt) and the seed article's
/// "*_vllm_benchmark.txt" files, in any mix and at any depth. A file that cannot be read is reported as skipped,
/// with the reason, and the rest of the report still comes out.
/// </summary>
public static class ResultsLoader
{
    /// <param name="root">The folder to search.</param>
    /// <param name="plan">The campaign's plan from config.yml, when known: it says what each GpuBench run folder ran.</param>
    /// <param name="cancellationToken">Stops the search.</param>
    public static async Task<LoadedResults> LoadAsync(string root, RunPlan? plan, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The results folder '{root}' does not exist; pass --results DIR.");
        }

        var runs = new List<BenchmarkRun>();
        var skipped = new List<SkippedFile>();
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            try
            {
                if (ArticleResultReader.IsArticleResult(file))
                {
                    runs.Add(await ArticleResultReader.ReadAsync(file, cancellationToken).ConfigureAwait(false));
                }
                else if (GpuBenchResultReader.IsRunResult(file))
                {
                    runs.Add(await GpuBenchResultReader.ReadAsync(root, file, plan, cancellationToken).ConfigureAwait(false));
                }
            }
            catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or IOException or UnauthorizedAccessException)
            {
                // Readers put the file's path in front of their messages; the entry names the file already.
                var reason = e.Message.StartsWith($"{file}: ", StringComparison.Ordinal) ? e.Message[(file.Length + 2)..] : e.Message;
                skipped.Add(new SkippedFile(Path.GetRelativePath(root, file), reason));
            }
        }

        return new LoadedResults(runs, skipped);
    }
}
