using GpuBench.Core.Planning;
using GpuBench.Reporting.Import;
using GpuBench.Reporting.Runs;

namespace GpuBench.Reporting.Results;

/// <summary>
/// Finds every run under a folder: GpuBench's run folders (result.json or benchmark.txt) and the seed article's
/// "*_vllm_benchmark.txt" files, in any mix and at any depth.
/// </summary>
public static class ResultsLoader
{
    /// <param name="root">The folder to search.</param>
    /// <param name="plan">The campaign's plan from config.yml, when known: it says what each GpuBench run folder ran.</param>
    /// <param name="cancellationToken">Stops the search.</param>
    public static async Task<IReadOnlyList<BenchmarkRun>> LoadAsync(string root, RunPlan? plan, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The results folder '{root}' does not exist; pass --results DIR.");
        }

        var runs = new List<BenchmarkRun>();
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
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

        return runs;
    }
}
