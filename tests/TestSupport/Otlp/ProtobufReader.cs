using System.Text;

namespace GpuBench.TestSupport.Otlp;

/// <summary>
/// Just enough of the protobuf wire format to walk OTLP messages: varints, length-delimited fields (messages,
/// strings, bytes), and skipping of fixed 32/64-bit fields.
/// </summary>
internal ref struct ProtobufReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public int Field { get; private set; }

    public int WireType { get; private set; }

    /// <summary>Moves to the next field; false at the end.</summary>
    public bool Next()
    {
        if (_position >= _data.Length)
        {
            return false;
        }

        var key = ReadVarint();
        Field = (int)(key >> 3);
        WireType = (int)(key & 7);
        return true;
    }

    /// <summary>The payload of a length-delimited field (wire type 2).</summary>
    public ReadOnlySpan<byte> Bytes()
    {
        if (WireType != 2)
        {
            throw new InvalidDataException($"field {Field} has wire type {WireType}, not length-delimited");
        }

        var length = checked((int)ReadVarint());
        var bytes = _data.Slice(_position, length);
        _position += length;
        return bytes;
    }

    public string String() => Encoding.UTF8.GetString(Bytes());

    public void Skip()
    {
        switch (WireType)
        {
            case 0: ReadVarint(); break;
            case 1: _position += 8; break;
            case 2: Bytes(); break;
            case 5: _position += 4; break;
            default: throw new InvalidDataException($"wire type {WireType} of field {Field} is not supported");
        }
    }

    private ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = _data[_position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("varint longer than 10 bytes");
    }
}
