using System.Globalization;
using System.Text;
using System.Threading.Channels;

namespace GpuBench.Simulator.Serving;

/// <summary>
/// Optional JSON-lines log of what the server really did: per request, when each chunk was due (engine time) and
/// when it was written to the socket, both in seconds since the engine started. Clients' measurements can be
/// checked against it. Written by a background task so streams never wait on the disk.
/// </summary>
public sealed class GroundTruthLog : IAsyncDisposable
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(); // multi-reader flavour: it can count
    private readonly Task _writer;

    public GroundTruthLog(string path)
    {
        _writer = Task.Run(async () =>
        {
            await using var file = new StreamWriter(path, append: false, Encoding.UTF8);
            await foreach (var line in _lines.Reader.ReadAllAsync())
            {
                await file.WriteLineAsync(line);
                if (_lines.Reader.Count == 0)
                {
                    await file.FlushAsync();
                }
            }
        });
    }

    public void Record(string requestId, double arrival, IReadOnlyList<double> scheduled, IReadOnlyList<double> written)
    {
        var line = new StringBuilder(64 + 24 * scheduled.Count);
        line.Append(CultureInfo.InvariantCulture, $"{{\"id\":\"{requestId}\",\"arrival\":{arrival:F6},\"scheduled\":[");
        AppendList(line, scheduled);
        line.Append("],\"written\":[");
        AppendList(line, written);
        line.Append("]}");
        _lines.Writer.TryWrite(line.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _writer;
    }

    private static void AppendList(StringBuilder line, IReadOnlyList<double> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            line.Append(CultureInfo.InvariantCulture, $"{(i > 0 ? "," : "")}{values[i]:F6}");
        }
    }
}
