using GpuBench.Reporting.Runs;

namespace GpuBench.Reporting.Import;

/// <summary>
/// Reads one result of the seed article's tool: "&lt;server&gt;_&lt;org&gt;_&lt;model&gt;_vllm_benchmark.txt" (the serving
/// benchmark block, the compose configuration, the benchmark command) and its "_system_info.txt" neighbour.
/// </summary>
public static class ArticleResultReader
{
    public static bool IsArticleResult(string path) => ArticleFileName.TryParse(Path.GetFileName(path), out _);

    public static async Task<BenchmarkRun> ReadAsync(string benchmarkPath, CancellationToken cancellationToken)
    {
        if (!ArticleFileName.TryParse(Path.GetFileName(benchmarkPath), out var name))
        {
            throw new FormatException(
                $"{benchmarkPath}: expected a name like rtx4090_x_4_<org>_<model>{ArticleFileName.BenchmarkSuffix}.");
        }

        var text = await File.ReadAllTextAsync(benchmarkPath, cancellationToken).ConfigureAwait(false);
        var hardware = await SystemInfoText.ReadAsync(ArticleFileName.SystemInfoPathFor(benchmarkPath), cancellationToken)
            .ConfigureAwait(false);
        try
        {
            return Parse(name, text, benchmarkPath) with { Hardware = hardware };
        }
        catch (FormatException e)
        {
            throw new FormatException($"{benchmarkPath}: {e.Message}", e);
        }
    }

    public static BenchmarkRun Parse(ArticleFileName name, string text, string sourcePath)
    {
        var metrics = ServingResult.Parse(text);
        var command = CommandLineFlags.Parse(Section(text, "Benchmark Command"));
        var inputLen = command.Int("--random-input-len") ?? 0;
        var outputLen = command.Int("--random-output-len") ?? 0;
        var concurrency = command.Int("--max-concurrency") ?? 0;
        return new BenchmarkRun
        {
            // The --model flag names the model exactly; the file name only approximates it when an org has underscores.
            Model = command["--model"] ?? name.ModelFromName(),
            Server = name.Server.Name,
            GpuType = name.Server.GpuType,
            GpuCount = name.Server.GpuCount,
            Layout = ComposeLayout.Parse(Section(text, "Docker Compose Configuration")),
            Workload = new RunWorkload(
                $"random {inputLen}/{outputLen}",
                inputLen,
                outputLen,
                command.Int("--num-prompts") ?? metrics.Completed,
                concurrency),
            Metrics = metrics,
            SourcePath = sourcePath,
        };
    }

    /// <summary>The lines under "============ {title} ============" up to the next "=====" rule.</summary>
    private static string Section(string text, string title)
    {
        var lines = text.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith('=') && l.Contains($" {title} ", StringComparison.Ordinal));
        if (start < 0)
        {
            throw new FormatException($"no '{title}' section.");
        }

        var end = Array.FindIndex(lines, start + 1, l => l.StartsWith("=====", StringComparison.Ordinal));
        return string.Join('\n', lines[(start + 1)..(end < 0 ? lines.Length : end)]);
    }
}
