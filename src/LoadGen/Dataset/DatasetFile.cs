using System.Text;
using System.Text.Json;

namespace GpuBench.LoadGen.Dataset;

/// <summary>
/// Reads dataset files keeping every value's line and column, so a malformed or ill-shaped entry is reported as
/// <c>file:line:col</c>. Values are cloned out of their documents: the whole file is not kept open.
/// </summary>
public static class DatasetFile
{
    /// <summary>The elements of a file holding one JSON array (ShareGPT's layout).</summary>
    public static IReadOnlyList<DatasetItem> ReadArray(string path)
    {
        var bytes = ReadAll(path);
        var lines = new LineIndex(bytes);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var items = new List<DatasetItem>();
        try
        {
            if (!reader.Read())
            {
                throw DatasetFileException.WholeFile(path, "the file is empty; expected a JSON array of conversations.");
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                var (line, column) = lines.At(reader.TokenStartIndex);
                throw new DatasetFileException(path, line, column, $"expected a JSON array of conversations, found {Describe(reader.TokenType)}.");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var (line, column) = lines.At(reader.TokenStartIndex);
                using var element = JsonDocument.ParseValue(ref reader);
                items.Add(new DatasetItem(element.RootElement.Clone(), line, column));
            }

            if (reader.Read())
            {
                var (line, column) = lines.At(reader.TokenStartIndex);
                throw new DatasetFileException(path, line, column, "unexpected content after the closing ']' of the array.");
            }
        }
        catch (JsonException e)
        {
            throw Syntax(path, e);
        }

        return items;
    }

    /// <summary>The values of a JSON Lines file, one per non-blank line.</summary>
    public static IReadOnlyList<DatasetItem> ReadLines(string path)
    {
        var text = Encoding.UTF8.GetString(ReadAll(path));
        var items = new List<DatasetItem>();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            var trimmed = line.TrimEnd('\r');
            if (trimmed.Trim().Length == 0)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(trimmed);
                items.Add(new DatasetItem(document.RootElement.Clone(), lineNumber, 1 + trimmed.Length - trimmed.TrimStart().Length));
            }
            catch (JsonException e)
            {
                throw new DatasetFileException(path, lineNumber, (int)(e.BytePositionInLine ?? 0) + 1, $"not valid JSON: {FirstSentence(e.Message)}");
            }
        }

        return items;
    }

    /// <summary>The lines of a text file, each with its newline as Python's readlines() keeps it.</summary>
    public static IReadOnlyList<string> ReadTextLines(string path)
    {
        var text = Encoding.UTF8.GetString(ReadAll(path));
        var lines = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            lines.Add(text[start..end]);
            start = end;
        }

        return lines;
    }

    /// <summary>The column (1-based) of <paramref name="property"/>'s name in a JSONL line, or 1 when not found.</summary>
    public static int ColumnOf(DatasetItem item, string property)
    {
        ArgumentNullException.ThrowIfNull(item);
        var raw = item.Value.GetRawText();
        var at = raw.IndexOf($"\"{property}\"", StringComparison.Ordinal);
        return at < 0 ? item.Column : item.Column + at;
    }

    private static byte[] ReadAll(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            return bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? bytes[Encoding.UTF8.Preamble.Length..] : bytes;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw DatasetFileException.WholeFile(path, "no such file.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DatasetFileException.WholeFile(path, $"cannot be read: {e.Message}");
        }
    }

    private static DatasetFileException Syntax(string path, JsonException e) =>
        new(path, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, $"not valid JSON: {FirstSentence(e.Message)}");

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    /// <summary>Byte offsets of line starts, to turn a reader's offset into a line and a character column.</summary>
    private sealed class LineIndex
    {
        private readonly byte[] _bytes;
        private readonly List<int> _starts = [0];

        public LineIndex(byte[] bytes)
        {
            _bytes = bytes;
            for (var i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] == (byte)'\n')
                {
                    _starts.Add(i + 1);
                }
            }
        }

        public (int Line, int Column) At(long offset)
        {
            var index = _starts.BinarySearch((int)offset);
            var line = index >= 0 ? index : ~index - 1;
            var start = _starts[line];
            return (line + 1, Encoding.UTF8.GetCharCount(_bytes, start, (int)offset - start) + 1);
        }
    }
}
