using System.Buffers;
using System.Diagnostics;

namespace GpuBench.LoadGen.Streaming;

/// <summary>
/// Splits a response stream into SSE lines over one pooled buffer and hands each line to a
/// <see cref="ChunkTimeline"/> with the Stopwatch timestamp taken the moment its bytes arrived. A line longer than
/// <see cref="MaxLineBytes"/> is a <see cref="MalformedStreamException"/>: a misbehaving server must not grow the
/// client's memory without bound.
/// </summary>
public static class SseReader
{
    /// <summary>The longest SSE line accepted: vLLM's largest chunks are a few kilobytes.</summary>
    public const int MaxLineBytes = 1024 * 1024;

    private const int InitialBufferSize = 16 * 1024;

    public static async Task ReadAsync(Stream stream, ChunkTimeline timeline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(timeline);
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        int filled = 0, lineStart = 0, scanFrom = 0;
        var arrived = 0L;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (lineStart > 0)
                    {
                        Buffer.BlockCopy(buffer, lineStart, buffer, 0, filled - lineStart);
                        (filled, scanFrom, lineStart) = (filled - lineStart, scanFrom - lineStart, 0);
                    }
                    else if (buffer.Length >= MaxLineBytes)
                    {
                        throw new MalformedStreamException($"an SSE line exceeded {MaxLineBytes / 1024} KiB without a newline");
                    }
                    else
                    {
                        // One line longer than the buffer (a huge chunk): keep it whole.
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        Buffer.BlockCopy(buffer, 0, larger, 0, filled);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }

                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                arrived = Stopwatch.GetTimestamp();
                if (read == 0)
                {
                    break;
                }

                filled += read;
                DispatchLines(buffer, ref lineStart, ref scanFrom, filled, arrived, timeline);
                if (lineStart == filled)
                {
                    filled = lineStart = scanFrom = 0;
                }
            }

            // A last line without its newline still counts (a server may close right after it).
            if (lineStart < filled)
            {
                timeline.OnLine(TrimCr(buffer.AsSpan(lineStart, filled - lineStart)), arrived);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void DispatchLines(byte[] buffer, ref int lineStart, ref int scanFrom, int filled, long arrived, ChunkTimeline timeline)
    {
        while (true)
        {
            var newline = buffer.AsSpan(scanFrom, filled - scanFrom).IndexOf((byte)'\n');
            if (newline < 0)
            {
                scanFrom = filled;
                return;
            }

            var end = scanFrom + newline;
            timeline.OnLine(TrimCr(buffer.AsSpan(lineStart, end - lineStart)), arrived);
            lineStart = scanFrom = end + 1;
        }
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) => line.EndsWith((byte)'\r') ? line[..^1] : line;
}
