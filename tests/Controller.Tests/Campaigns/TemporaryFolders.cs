namespace GpuBench.Controller.Tests.Campaigns;

/// <summary>The folders a test class made (each campaign's config and results), deleted when it is disposed.</summary>
internal sealed class TemporaryFolders : IDisposable
{
    private readonly List<string> _folders = [];

    /// <summary>Keeps the folder of <paramref name="configPath"/> for deletion; returns the path.</summary>
    public string KeepFolderOf(string configPath)
    {
        _folders.Add(Path.GetDirectoryName(configPath)!);
        return configPath;
    }

    public void Dispose()
    {
        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
