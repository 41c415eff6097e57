using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace GpuBench.Bench.ClientFidelity;

/// <summary>
/// A purpose-built OpenAI-style chat streaming server whose emission times are exact. Connections are accepted
/// and their HTTP/1.1 requests read asynchronously (untimed), but every timed chunk is written by one of a few
/// dedicated <see cref="Emitter"/> threads with a synchronous non-blocking send, timestamped immediately before
/// it. On loopback that send puts the bytes into the client's receive queue, so the client's arrival minus this
/// timestamp is the client's own error; the emitter's lateness against schedule is logged apart.
/// Routes: POST /v1/chat/completions (the prompt "req-N" names the request), GET /emissions, POST /reset.
/// </summary>
public static class EmissionServer
{
    private const int MaxRequestBytes = 64 * 1024;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var log = new ConcurrentDictionary<int, Emission>();
        var emitters = Enumerable.Range(0, args.Emitters).Select(i => new Emitter(i, args, log)).ToArray();
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, args.Port));
        listener.Listen(8192);
        Console.WriteLine(
            $"emission server on 127.0.0.1:{args.Port}, TTFT {args.TtftMs} ms, ITL {args.ItlMs} ms, {args.Emitters} emitter threads; Ctrl+C to stop");
        var next = 0;
        while (true)
        {
            var socket = await listener.AcceptAsync().ConfigureAwait(false);
            socket.NoDelay = true;
            _ = ServeAsync(socket, () => emitters[Interlocked.Increment(ref next) % emitters.Length], log);
        }
    }

    private static async Task ServeAsync(Socket socket, Func<Emitter> pick, ConcurrentDictionary<int, Emission> log)
    {
        using var owned = socket;
        var buffer = new byte[MaxRequestBytes];
        try
        {
            while (await ReadRequestAsync(socket, buffer).ConfigureAwait(false) is { } request)
            {
                switch (request.Target)
                {
                    case "POST /v1/chat/completions":
                        var (index, chunks) = ParseChat(request.Body);
                        await SendAllAsync(socket, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray())
                            .ConfigureAwait(false);
                        var stream = new EmittedStream(socket, index, chunks);
                        pick().Add(stream);
                        await stream.Done.Task.ConfigureAwait(false);
                        break;
                    case "GET /emissions":
                        var body = JsonSerializer.SerializeToUtf8Bytes(log.ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => kv.Value));
                        await RespondAsync(socket, "application/json", body).ConfigureAwait(false);
                        break;
                    case "POST /reset":
                        log.Clear();
                        await RespondAsync(socket, "text/plain", []).ConfigureAwait(false);
                        break;
                    default:
                        await SendAllAsync(socket, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"u8.ToArray()).ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (SocketException)
        {
            // The client went away; nothing to record.
        }
    }

    private static Task RespondAsync(Socket socket, string contentType, byte[] body) =>
        SendAllAsync(socket, [.. Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n\r\n"), .. body]);

    private static async Task SendAllAsync(Socket socket, byte[] bytes)
    {
        for (var sent = 0; sent < bytes.Length;)
        {
            sent += await socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None).ConfigureAwait(false);
        }
    }

    private sealed record HttpRequest(string Target, byte[] Body);

    /// <summary>Reads one request (request line, headers, Content-Length body); null when the client closed.</summary>
    private static async Task<HttpRequest?> ReadRequestAsync(Socket socket, byte[] buffer)
    {
        var filled = 0;
        while (true)
        {
            var end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var head = Encoding.ASCII.GetString(buffer, 0, end);
                var lines = head.Split("\r\n");
                var parts = lines[0].Split(' ');
                var length = lines.Skip(1)
                    .Select(l => l.Split(':', 2))
                    .Where(h => h.Length == 2 && h[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    .Select(h => int.Parse(h[1].Trim(), CultureInfo.InvariantCulture))
                    .FirstOrDefault();
                var bodyStart = end + 4;
                while (filled < bodyStart + length)
                {
                    var more = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None).ConfigureAwait(false);
                    if (more == 0)
                    {
                        return null;
                    }

                    filled += more;
                }

                // The client sends one request at a time on a connection, so nothing follows the body.
                return new HttpRequest($"{parts[0]} {parts[1]}", buffer[bodyStart..(bodyStart + length)]);
            }

            if (filled == buffer.Length)
            {
                throw new SocketException((int)SocketError.MessageSize);
            }

            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            filled += read;
        }
    }

    private static (int Index, int Chunks) ParseChat(byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        var prompt = json.RootElement.GetProperty("messages")[0].GetProperty("content").GetString()!;
        return (int.Parse(prompt.AsSpan(4), CultureInfo.InvariantCulture), json.RootElement.GetProperty("max_completion_tokens").GetInt32());
    }
}

/// <summary>One request's schedule and what happened: Stopwatch ticks each chunk was due and was actually sent.</summary>
public sealed record Emission(long[] Due, long[] Sent, int BlockedSends);

/// <summary>A response in progress, owned by one emitter thread once added.</summary>
public sealed class EmittedStream(Socket socket, int index, int chunks)
{
    public Socket Socket { get; } = socket;

    public int Index { get; } = index;

    public int Chunks { get; } = chunks;

    public long[] Due { get; } = new long[chunks];

    public long[] Sent { get; } = new long[chunks];

    /// <summary>Chunks already sent.</summary>
    public int Next { get; set; }

    public int BlockedSends { get; set; }

    /// <summary>Completes (off the emitter thread) when the whole response has been written.</summary>
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
