using System.Buffers;
using System.Diagnostics;
using GpuBench.LoadGen.Telemetry;

namespace GpuBench.LoadGen.Streaming;

/// <summary>
/// Per-request arrival times of choices-bearing SSE events (Stopwatch ticks taken when their bytes arrived) and
/// the token counts the server reported, in pooled arrays so a stream of thousands of chunks allocates nothing
/// until the request's record is built. With telemetry, each event also feeds the live instruments as it arrives
/// (TTFT at the first, ITL at every later one, the chunk and token counters): one allocation-free Record/Add per chunk.
/// Only when asked (<c>--save-detailed</c>) does it keep the response text, as UTF-8 bytes in a pooled buffer.
/// </summary>
public sealed class ChunkTimeline : IDisposable
{
    private readonly LoadGenTelemetry? _telemetry;
    private readonly GeneratedTextBuffer? _text;
    private long[] _times;
    private int[] _completionTokens;
    private bool _everyChunkHasUsage = true;

    /// <param name="expectedChunks">Choices-bearing events expected, to size the pooled arrays.</param>
    /// <param name="telemetry">Live instruments to feed chunk by chunk, or null.</param>
    /// <param name="keepText">Keep the first choice's text of every event (see <see cref="Text"/>).</param>
    public ChunkTimeline(int expectedChunks, LoadGenTelemetry? telemetry = null, bool keepText = false)
    {
        _telemetry = telemetry;
        // About four bytes a token: one rent covers a typical response.
        _text = keepText ? new GeneratedTextBuffer(Math.Max(256, expectedChunks * 4)) : null;
        _times = ArrayPool<long>.Shared.Rent(Math.Max(16, expectedChunks));
        _completionTokens = ArrayPool<int>.Shared.Rent(_times.Length);
    }

    /// <summary>Stopwatch ticks when the request was sent; with telemetry, the first event records TTFT against it.</summary>
    public long StartTimestamp { get; set; }

    /// <summary>Output tokens already added to the live token counter (one per event without usage).</summary>
    public long LiveTokens { get; private set; }

    /// <summary>Choices-bearing events seen so far.</summary>
    public int Count { get; private set; }

    public int? PromptTokens { get; private set; }

    /// <summary>completion_tokens of the last usage the server sent (its final usage chunk at the end).</summary>
    public int? CompletionTokens { get; private set; }

    public bool SawDone { get; private set; }

    public bool SawErrorEvent { get; private set; }

    public long FirstTimestamp => Count > 0 ? _times[0] : 0;

    public long LastTimestamp => Count > 0 ? _times[Count - 1] : 0;

    /// <summary>Handles one SSE line received at <paramref name="timestamp"/>; lines after [DONE] are ignored.</summary>
    public void OnLine(ReadOnlySpan<byte> line, long timestamp)
    {
        if (SawDone || !line.StartsWith("data:"u8))
        {
            return;  // blank separators, comments, event:/id: fields
        }

        var e = SseEvent.Parse(line[5..], _text);
        if (e.IsDone)
        {
            SawDone = true;
            return;
        }

        SawErrorEvent |= e.IsError;
        PromptTokens = e.PromptTokens ?? PromptTokens;
        if (e.HasChoices)
        {
            if (Count == _times.Length)
            {
                Grow();
            }

            _times[Count] = timestamp;
            _completionTokens[Count] = e.CompletionTokens ?? -1;
            _everyChunkHasUsage &= e.CompletionTokens.HasValue;
            Count++;
            if (_telemetry is { } live)
            {
                Publish(live, e.CompletionTokens);
            }
        }

        CompletionTokens = e.CompletionTokens ?? CompletionTokens;
    }

    private void Publish(LoadGenTelemetry live, int? completionTokens)
    {
        if (Count == 1 && StartTimestamp != 0)
        {
            live.TimeToFirstChunk.Record((double)(_times[0] - StartTimestamp) / Stopwatch.Frequency);
        }
        else if (Count > 1)
        {
            live.TimePerOutputChunk.Record((double)(_times[Count - 1] - _times[Count - 2]) / Stopwatch.Frequency);
        }

        // CompletionTokens still holds the usage before this event: OnLine updates it after publishing.
        var tokens = completionTokens is { } total ? Math.Max(0, total - (CompletionTokens ?? 0)) : 1;
        LiveTokens += tokens;
        live.Chunks.Add(1);
        live.OutputTokens.Add(tokens);
    }

    /// <summary>The concatenated text of the events (vLLM's generated_text); null unless the timeline keeps text.</summary>
    public string? Text() => _text?.ToString();

    /// <summary>Gaps between consecutive events in seconds (vLLM's ITL list).</summary>
    public double[] Gaps()
    {
        var gaps = new double[Math.Max(0, Count - 1)];
        for (var i = 1; i < Count; i++)
        {
            gaps[i - 1] = (double)(_times[i] - _times[i - 1]) / Stopwatch.Frequency;
        }

        return gaps;
    }

    /// <summary>Tokens each event carried (differences of cumulative completion_tokens); null unless every event had usage.</summary>
    public int[]? TokensPerChunk()
    {
        if (!_everyChunkHasUsage || Count == 0)
        {
            return null;
        }

        var tokens = new int[Count];
        var previous = 0;
        for (var i = 0; i < Count; i++)
        {
            tokens[i] = _completionTokens[i] - previous;
            previous = _completionTokens[i];
        }

        return tokens;
    }

    public void Dispose()
    {
        ArrayPool<long>.Shared.Return(_times);
        ArrayPool<int>.Shared.Return(_completionTokens);
        _text?.Dispose();
        _times = [];
        _completionTokens = [];
    }

    private void Grow()
    {
        var times = ArrayPool<long>.Shared.Rent(_times.Length * 2);
        var tokens = ArrayPool<int>.Shared.Rent(_times.Length * 2);
        _times.AsSpan(0, Count).CopyTo(times);
        _completionTokens.AsSpan(0, Count).CopyTo(tokens);
        ArrayPool<long>.Shared.Return(_times);
        ArrayPool<int>.Shared.Return(_completionTokens);
        (_times, _completionTokens) = (times, tokens);
    }
}
