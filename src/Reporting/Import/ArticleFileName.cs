namespace GpuBench.Reporting.Import;

/// <summary>
/// The name of one of the seed article's result files, "&lt;server&gt;_&lt;org&gt;_&lt;model&gt;_vllm_benchmark.txt", where the
/// server is "&lt;gpu type&gt;_x_&lt;count&gt;". Only the known prefix and suffix are split off: model names keep their
/// underscores.
/// </summary>
public sealed record ArticleFileName(ServerName Server, string ModelPart)
{
    public const string BenchmarkSuffix = "_vllm_benchmark.txt";
    public const string SystemInfoSuffix = "_system_info.txt";

    public static bool TryParse(string fileName, out ArticleFileName name)
    {
        name = null!;
        if (!fileName.EndsWith(BenchmarkSuffix, StringComparison.Ordinal)
            || !ServerName.TryParsePrefix(fileName[..^BenchmarkSuffix.Length], out var server, out var model)
            || model.Length == 0)
        {
            return false;
        }

        name = new ArticleFileName(server, model);
        return true;
    }

    /// <summary>The model id guessed from the file name when the file itself does not say: the first underscore separates org and model.</summary>
    public string ModelFromName()
    {
        var split = ModelPart.IndexOf('_', StringComparison.Ordinal);
        return split > 0 ? $"{ModelPart[..split]}/{ModelPart[(split + 1)..]}" : ModelPart;
    }

    /// <summary>The system-info file that sits next to a benchmark file of this name.</summary>
    public static string SystemInfoPathFor(string benchmarkPath) =>
        benchmarkPath[..^BenchmarkSuffix.Length] + SystemInfoSuffix;
}
