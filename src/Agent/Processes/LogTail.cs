using System.Text;

namespace GpuBench.Agent.Processes;

/// <summary>The end of a log file, read backwards from its end: an engine's log can grow to gigabytes.</summary>
public static class LogTail
{
    /// <summary>The most bytes read for one tail, whatever number of lines is asked for.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    private const int BlockSize = 64 * 1024;

    /// <summary>The last <paramref name="lines"/> lines of a log file; empty when there is none yet.</summary>
    public static async Task<string> ReadAsync(string path, int lines, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return "";
        }

        // Opened for shared writing: the engine may still be appending.
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var end = stream.Length;
        var start = end;
        var newlines = 0;
        var block = new byte[BlockSize];
        // Blocks from the end until they hold more line breaks than lines wanted (one may end the file), or the cap.
        while (start > 0 && newlines <= lines && end - start < MaxBytes)
        {
            var size = (int)Math.Min(BlockSize, start);
            start -= size;
            stream.Position = start;
            await stream.ReadExactlyAsync(block.AsMemory(0, size), cancellationToken);
            newlines += block.AsSpan(0, size).Count((byte)'\n');
        }

        var tail = new byte[end - start];
        stream.Position = start;
        await stream.ReadExactlyAsync(tail, cancellationToken);
        var text = Encoding.UTF8.GetString(tail);
        // A read that began mid-file began mid-line: that cut line is dropped, unless it is all there is.
        var firstBreak = text.IndexOf('\n', StringComparison.Ordinal);
        if (start > 0 && firstBreak >= 0)
        {
            text = text[(firstBreak + 1)..];
        }

        return string.Join('\n', text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).TakeLast(lines));
    }
}
