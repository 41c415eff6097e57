using System.Text.Json;

namespace GpuBench.LoadGen.Dataset;

/// <summary>
/// Trace replay in the Mooncake format (as AIPerf reads it): JSONL, one request per line with <c>timestamp</c>
/// (milliseconds), <c>input_length</c>, <c>output_length</c> and <c>hash_ids</c>, the ids of the prompt's
/// 512-token blocks: requests that list the same id share that block's text, so shared prefixes reach the
/// engine's prefix cache as they did in production. Tokens past the listed blocks are the request's own; a last
/// block cut short by <c>input_length</c> is the block's beginning. Each request is sent at its timestamp's offset
/// from the first line's, multiplied by <c>--trace-time-scale</c>; the first <c>--num-prompts</c> lines are
/// replayed in file order. Timestamps must not go backwards.
/// </summary>
public static class MooncakeTrace
{
    public const int BlockSize = 512;

    /// <summary>One line of the trace.</summary>
    public sealed record Entry(int Line, double TimestampMs, int InputLength, int OutputLength, IReadOnlyList<long> HashIds);

    public static IReadOnlyList<Entry> Read(string path)
    {
        var entries = new List<Entry>();
        foreach (var item in DatasetFile.ReadLines(path))
        {
            if (item.Value.ValueKind != JsonValueKind.Object)
            {
                throw new DatasetFileException(path, item.Line, item.Column,
                    "each line of a trace is an object: {\"timestamp\": ms, \"input_length\": n, \"output_length\": n, \"hash_ids\": [...]}.");
            }

            var timestamp = Number(path, item, "timestamp", allowZero: true);
            var entry = new Entry(item.Line, timestamp, (int)Number(path, item, "input_length", allowZero: false),
                (int)Number(path, item, "output_length", allowZero: false), HashIds(path, item));
            if (entries.Count > 0 && timestamp < entries[^1].TimestampMs)
            {
                throw new DatasetFileException(path, item.Line, DatasetFile.ColumnOf(item, "timestamp"),
                    $"timestamp {timestamp} goes backwards (line {entries[^1].Line} has {entries[^1].TimestampMs}); a trace's requests must be in time order.");
            }

            entries.Add(entry);
        }

        return entries.Count > 0 ? entries : throw DatasetFileException.WholeFile(path, "the trace has no requests.");
    }

    /// <summary>When each entry is sent, in seconds from the first: (timestamp − first timestamp) / 1000 × scale.</summary>
    public static double SendAt(Entry entry, Entry first, double timeScale) => (entry.TimestampMs - first.TimestampMs) / 1000 * timeScale;

    public static async Task<List<SampleRequest>> SampleAsync(
        string path, ITextTokenizer tokenizer, int numPrompts, double timeScale, int seed, int parallelism, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var entries = Read(path).Take(numPrompts).ToArray();
        var pool = await RandomDataset.WordPoolAsync(tokenizer, cancellationToken).ConfigureAwait(false);
        var blocks = new Dictionary<(long Id, int Length), string>();
        var needed = entries.SelectMany(e => Blocks(e).Select(b => (b.Id, b.Length))).Distinct().ToArray();
        var texts = new string[needed.Length];
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
        await Parallel.ForAsync(0, needed.Length, options, async (i, ct) =>
            texts[i] = (await RandomDataset.ExactTextAsync(tokenizer, pool, "", 0, needed[i].Length, BlockRandom(seed, needed[i].Id), ct).ConfigureAwait(false)).Text)
            .ConfigureAwait(false);
        for (var i = 0; i < needed.Length; i++)
        {
            blocks[needed[i]] = texts[i];
        }

        var samples = new SampleRequest[entries.Length];
        await Parallel.ForAsync(0, entries.Length, options, async (i, ct) =>
        {
            var entry = entries[i];
            var shared = string.Concat(Blocks(entry).Select(b => blocks[(b.Id, b.Length)]));
            var sharedTokens = Math.Min(entry.InputLength, BlockSize * entry.HashIds.Count);
            var (text, tokens) = entry.InputLength > sharedTokens
                ? await RandomDataset.ExactTextAsync(tokenizer, pool, shared, sharedTokens, entry.InputLength, new Random(Seeds.For(seed, i)), ct).ConfigureAwait(false)
                : (shared, (await tokenizer.TokenizeAsync(shared, ct).ConfigureAwait(false)).Length);
            samples[i] = new SampleRequest(i, text, tokens, entry.OutputLength, SendAt(entry, entries[0], timeScale));
        }).ConfigureAwait(false);
        return [.. samples];
    }

    /// <summary>The entry's blocks and how many of each one's tokens it uses (the last may be cut short).</summary>
    public static IEnumerable<(long Id, int Length)> Blocks(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        for (var k = 0; k < entry.HashIds.Count && k * BlockSize < entry.InputLength; k++)
        {
            yield return (entry.HashIds[k], Math.Min(BlockSize, entry.InputLength - (k * BlockSize)));
        }
    }

    // A block's words are drawn from a generator of its own id, so the same id gives the same text in every request
    // and a cut-short block starts as the whole one does.
    private static Random BlockRandom(int seed, long id) => new(Seeds.For(seed ^ (int)(id >> 31), (int)(id & int.MaxValue) | int.MinValue));

    private static double Number(string path, DatasetItem item, string name, bool allowZero)
    {
        if (!item.Value.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number))
        {
            throw new DatasetFileException(path, item.Line, item.Column, $"the line has no numeric \"{name}\".");
        }

        return number > 0 || (allowZero && number == 0)
            ? number
            : throw new DatasetFileException(path, item.Line, DatasetFile.ColumnOf(item, name), $"\"{name}\" must be {(allowZero ? "at least 0" : "at least 1")}.");
    }

    private static long[] HashIds(string path, DatasetItem item)
    {
        if (!item.Value.TryGetProperty("hash_ids", out var ids) || ids.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return ids.ValueKind == JsonValueKind.Array && ids.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out _))
            ? [.. ids.EnumerateArray().Select(e => e.GetInt64())]
            : throw new DatasetFileException(path, item.Line, DatasetFile.ColumnOf(item, "hash_ids"), "\"hash_ids\" must be a list of integers.");
    }
}
