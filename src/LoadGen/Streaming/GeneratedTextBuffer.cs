using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace GpuBench.LoadGen.Streaming;

/// <summary>
/// One request's generated text as UTF-8 bytes in a pooled buffer: each chunk's content is appended unescaped
/// straight from the JSON payload, and one string is made when the request ends. Bytes are joined before decoding,
/// so a character whose bytes arrive in two events still comes out whole; so does a surrogate pair escaped as
/// <c>\uD83D</c> at the end of one event and <c>\uDE00</c> at the start of the next. A surrogate left unpaired
/// becomes U+FFFD, as do invalid UTF-8 bytes.
/// </summary>
public sealed class GeneratedTextBuffer(int expectedBytes) : IDisposable
{
    private byte[] _bytes = [];
    private int _length;
    private char _pendingHighSurrogate;

    /// <summary>Appends the value of the JSON string token the reader is on.</summary>
    public void Append(ref Utf8JsonReader reader)
    {
        // One payload is one line of the SSE reader's buffer, so the value is always a single span.
        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            AppendRaw(raw);
            return;
        }

        while (raw.Length > 0)
        {
            var backslash = raw.IndexOf((byte)'\\');
            if (backslash < 0)
            {
                AppendRaw(raw);
                return;
            }

            AppendRaw(raw[..backslash]);
            var escape = raw[backslash + 1];
            if (escape == (byte)'u')
            {
                // The reader has already checked that four hex digits follow.
                Utf8Parser.TryParse(raw.Slice(backslash + 2, 4), out ushort unit, out _, 'X');
                AppendUtf16((char)unit);
                raw = raw[(backslash + 6)..];
            }
            else
            {
                AppendRaw([Unescape(escape)]);
                raw = raw[(backslash + 2)..];
            }
        }
    }

    /// <summary>The text so far; a high surrogate still waiting for its pair counts as U+FFFD.</summary>
    public override string ToString()
    {
        var text = Encoding.UTF8.GetString(_bytes, 0, _length);
        return _pendingHighSurrogate == default ? text : text + "\uFFFD";
    }

    public void Dispose()
    {
        if (_bytes.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
        }

        _bytes = [];
        _length = 0;
    }

    private static ReadOnlySpan<byte> Replacement => "\uFFFD"u8;

    private static byte Unescape(byte escape) => escape switch
    {
        (byte)'n' => (byte)'\n',
        (byte)'t' => (byte)'\t',
        (byte)'r' => (byte)'\r',
        (byte)'b' => (byte)'\b',
        (byte)'f' => (byte)'\f',
        _ => escape,  // \" \\ \/
    };

    private void AppendUtf16(char unit)
    {
        Span<byte> utf8 = stackalloc byte[4];
        if (char.IsLowSurrogate(unit) && _pendingHighSurrogate != default)
        {
            var written = new Rune(_pendingHighSurrogate, unit).EncodeToUtf8(utf8);
            _pendingHighSurrogate = default;
            Write(utf8[..written]);
        }
        else if (char.IsHighSurrogate(unit))
        {
            FlushPendingSurrogate();
            _pendingHighSurrogate = unit;
        }
        else if (char.IsLowSurrogate(unit))
        {
            FlushPendingSurrogate();
            Write(Replacement);
        }
        else
        {
            FlushPendingSurrogate();
            Write(utf8[..new Rune(unit).EncodeToUtf8(utf8)]);
        }
    }

    private void AppendRaw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 0)
        {
            FlushPendingSurrogate();
            Write(bytes);
        }
    }

    private void FlushPendingSurrogate()
    {
        if (_pendingHighSurrogate != default)
        {
            _pendingHighSurrogate = default;
            Write(Replacement);
        }
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _bytes.Length)
        {
            Grow(_length + bytes.Length);
        }

        bytes.CopyTo(_bytes.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Grow(int needed)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(expectedBytes, _bytes.Length * 2)));
        _bytes.AsSpan(0, _length).CopyTo(larger);
        if (_bytes.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
        }

        _bytes = larger;
    }
}
