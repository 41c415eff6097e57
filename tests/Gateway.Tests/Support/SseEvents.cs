using System.Diagnostics;
using System.Text;

namespace GpuBench.Gateway.Tests.Support;

/// <summary>One SSE event as the client saw it: its data, when it arrived, and which socket read carried it.</summary>
public sealed record SseEvent(string Data, long ArrivedAt, int Read)
{
    public string? Replica => Data.Contains("\"replica\":\"", StringComparison.Ordinal)
        ? Data.Split("\"replica\":\"")[1].Split('"')[0]
        : null;
}

/// <summary>Reads an SSE response without any buffering of its own, one socket read at a time.</summary>
public sealed class SseEvents(Stream body)
{
    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly StringBuilder _pending = new();
    private readonly Queue<SseEvent> _ready = new();
    private int _reads;

    public static async Task<SseEvents> OpenAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        response.EnsureSuccessStatusCode();
        return new SseEvents(await response.Content.ReadAsStreamAsync(cancellationToken));
    }

    /// <summary>The next event, or null at the end of the stream.</summary>
    public async Task<SseEvent?> NextAsync(CancellationToken cancellationToken)
    {
        while (_ready.Count == 0)
        {
            var read = await body.ReadAsync(_buffer, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            var arrivedAt = Stopwatch.GetTimestamp();
            _reads++;
            _pending.Append(Encoding.UTF8.GetString(_buffer, 0, read));
            var text = _pending.ToString();
            int end;
            while ((end = text.IndexOf("\n\n", StringComparison.Ordinal)) >= 0)
            {
                _ready.Enqueue(new SseEvent(text[..end].Replace("data: ", "", StringComparison.Ordinal), arrivedAt, _reads));
                text = text[(end + 2)..];
            }

            _pending.Clear().Append(text);
        }

        return _ready.Dequeue();
    }

    public async Task<List<SseEvent>> ReadToEndAsync(CancellationToken cancellationToken)
    {
        var events = new List<SseEvent>();
        while (await NextAsync(cancellationToken) is { } e)
        {
            events.Add(e);
        }

        return events;
    }
}
