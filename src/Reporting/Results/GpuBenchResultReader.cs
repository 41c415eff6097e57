using GpuBench.Reporting.Runs;

namespace GpuBench.Reporting.Results;

/// <summary>Reads one GpuBench run folder, results/&lt;campaign&gt;/&lt;server&gt;/&lt;model&gt;/&lt;workload&gt;/.</summary>
public static class GpuBenchResultReader
{
    public const string ResultFile = "result.json";
    public const string TextBlockFile = "benchmark.txt";

    /// <summary>result.json marks a run folder; benchmark.txt does when the folder has no result.json.</summary>
    public static bool IsRunResult(string path)
    {
        var name = Path.GetFileName(path);
        return name == ResultFile
            || (name == TextBlockFile && !File.Exists(Path.Combine(Path.GetDirectoryName(path)!, ResultFile)));
    }

    public static Task<BenchmarkRun> ReadAsync(string root, string resultPath, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{root} {resultPath} {cancellationToken}");
}
