namespace GpuBench.Agent.Processes;

public static class LogTail
{
    /// <summary>The last <paramref name="lines"/> lines of a log file; empty when there is none yet.</summary>
    public static async Task<string> ReadAsync(string path, int lines, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return "";
        }

        // Opened for shared writing: the engine may still be appending.
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var all = await reader.ReadToEndAsync(cancellationToken);
        return string.Join('\n', all.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).TakeLast(lines));
    }
}
