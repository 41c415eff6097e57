namespace GpuBench.LoadGen.Tests.Dataset;

/// <summary>Dataset files written for one test into a folder of its own, removed with it.</summary>
internal sealed class DatasetFiles : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("gpubench-dataset-").FullName;

    public string Write(string name, string text)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>n words "w", so a text's length in <see cref="WordTokenizer"/> tokens is plain to see.</summary>
    public static string Words(int n, string word = "w") => string.Join(' ', Enumerable.Repeat(word, n));

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
