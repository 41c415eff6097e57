namespace GpuBench.LoadGen.Dataset;

/// <summary>A dataset file that cannot be used, with the place in it: <c>file:line:col: message</c> (1-based).</summary>
public sealed class DatasetFileException(string path, int line, int column, string problem)
    : Exception(line > 0 ? $"{path}:{line}:{column}: {problem}" : $"{path}: {problem}")
{
    public string Path { get; } = path;

    /// <summary>1-based line, or 0 when the problem is the file as a whole (missing, nothing valid in it).</summary>
    public int Line { get; } = line;

    public int Column { get; } = column;

    public string Problem { get; } = problem;

    public static DatasetFileException WholeFile(string path, string problem) => new(path, 0, 0, problem);
}
