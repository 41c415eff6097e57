using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Unicode;

namespace GpuBench.Bench.ClientFidelity;

/// <summary>
/// A dedicated thread that owns a share of the streams and writes each chunk at its due time: it sleeps while the
/// next chunk is more than <see cref="SleepAbove"/> away, spins for the rest, then takes the timestamp and makes a
/// synchronous non-blocking send, so nothing (no timer, no thread pool, no async completion) sits between the
/// recorded time and the bytes reaching the client's receive queue.
/// </summary>
public sealed class Emitter
{
    private static readonly TimeSpan SleepAbove = TimeSpan.FromMilliseconds(2);

    private readonly ConcurrentQueue<EmittedStream> _incoming = new();
    private readonly ConcurrentDictionary<int, Emission> _log;
    private readonly long _ttftTicks;
    private readonly long _itlTicks;

    public Emitter(int number, BenchArgs args, ConcurrentDictionary<int, Emission> log)
    {
        ArgumentNullException.ThrowIfNull(args);
        _log = log;
        _ttftTicks = (long)(args.TtftMs * Stopwatch.Frequency / 1000);
        _itlTicks = (long)(args.ItlMs * Stopwatch.Frequency / 1000);
        new Thread(Run) { IsBackground = true, Name = $"emitter {number}", Priority = ThreadPriority.Highest }.Start();
    }

    /// <summary>Schedules a stream whose request has just been read: first chunk after the TTFT, then one per ITL.</summary>
    public void Add(EmittedStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Socket.Blocking = false;
        var first = Stopwatch.GetTimestamp() + _ttftTicks;
        for (var i = 0; i < stream.Chunks; i++)
        {
            stream.Due[i] = first + (i * _itlTicks);
        }

        _incoming.Enqueue(stream);
    }

    private void Run()
    {
        var due = new PriorityQueue<EmittedStream, long>();
        var frame = new byte[2048];
        var sleepTicks = (long)(SleepAbove.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            while (_incoming.TryDequeue(out var added))
            {
                due.Enqueue(added, added.Due[0]);
            }

            if (!due.TryPeek(out var stream, out var at) || at - Stopwatch.GetTimestamp() > sleepTicks)
            {
                Thread.Sleep(1);
                continue;
            }

            if (Stopwatch.GetTimestamp() < at)
            {
                Thread.SpinWait(20);
                continue;
            }

            due.Dequeue();
            var i = stream.Next;
            var length = Chunk(frame, stream);
            stream.Sent[i] = Stopwatch.GetTimestamp();
            Send(stream, frame.AsSpan(0, length));
            stream.Next = i + 1;
            if (stream.Next < stream.Chunks)
            {
                due.Enqueue(stream, stream.Due[stream.Next]);
                continue;
            }

            // The closing usage chunk and [DONE] are not timed.
            Send(stream, frame.AsSpan(0, Trailer(frame, stream)));
            _log[stream.Index] = new Emission(stream.Due, stream.Sent, stream.BlockedSends);
            stream.Done.TrySetResult();
        }
    }

    /// <summary>
    /// Non-blocking send; if the client's receive queue is full (the client is not keeping up), finishes the write
    /// blocking and counts it, since the emitter was then late for everything behind it.
    /// </summary>
    private static void Send(EmittedStream stream, ReadOnlySpan<byte> bytes)
    {
        var socket = stream.Socket;
        try
        {
            var sent = socket.Send(bytes, SocketFlags.None, out var error);
            if (error is SocketError.Success or SocketError.WouldBlock && sent < bytes.Length)
            {
                stream.BlockedSends++;
                socket.Blocking = true;
                socket.Send(bytes[Math.Max(0, sent)..]);
                socket.Blocking = false;
            }
            else if (error != SocketError.Success)
            {
                stream.Done.TrySetException(new SocketException((int)error));
            }
        }
        catch (SocketException e)
        {
            stream.Done.TrySetException(e);
        }
        catch (ObjectDisposedException e)
        {
            stream.Done.TrySetException(e);
        }
    }

    /// <summary>One HTTP chunk holding one vLLM-shaped SSE event (one token, continuous usage), formatted without allocating.</summary>
    private static int Chunk(byte[] frame, EmittedStream stream) => Frame(frame, stream, static (payload, s) =>
    {
        Utf8.TryWrite(payload, CultureInfo.InvariantCulture,
            $"data: {{\"id\":\"chatcmpl-{s.Index}\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"fidelity\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\" tok\"}},\"logprobs\":null,\"finish_reason\":null}}],\"usage\":{{\"prompt_tokens\":3,\"total_tokens\":{4 + s.Next},\"completion_tokens\":{s.Next + 1}}}}}\n\n",
            out var written);
        return written;
    });

    private static int Trailer(byte[] frame, EmittedStream stream)
    {
        var length = Frame(frame, stream, static (payload, s) =>
        {
            Utf8.TryWrite(payload, CultureInfo.InvariantCulture,
                $"data: {{\"id\":\"chatcmpl-{s.Index}\",\"choices\":[],\"usage\":{{\"prompt_tokens\":3,\"completion_tokens\":{s.Chunks}}}}}\n\ndata: [DONE]\n\n",
                out var written);
            return written;
        });
        "0\r\n\r\n"u8.CopyTo(frame.AsSpan(length));
        return length + 5;
    }

    /// <summary>Writes "{hex length}\r\n{payload}\r\n": the payload is formatted after an 8-byte gap, then moved up behind its size line.</summary>
    private static int Frame(byte[] frame, EmittedStream stream, Func<Span<byte>, EmittedStream, int> payload)
    {
        const int Gap = 8;
        var length = payload(frame.AsSpan(Gap, frame.Length - Gap - 16), stream);
        Utf8.TryWrite(frame, CultureInfo.InvariantCulture, $"{length:x}\r\n", out var head);
        frame.AsSpan(Gap, length).CopyTo(frame.AsSpan(head));
        "\r\n"u8.CopyTo(frame.AsSpan(head + length));
        return head + length + 2;
    }
}
