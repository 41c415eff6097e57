using System.Text;

namespace GpuBench.Simulation.Tokenization;

/// <summary>
/// A deterministic tokenizer with no vocabulary file. Ids 0–255 are raw bytes; higher ids are words of one to
/// three consonant-vowel syllables with a leading space (" ka", " bedo", " tisuna"), numbered arithmetically.
/// Text splits before each space; a segment that is such a word becomes its id, anything else its UTF-8 bytes.
/// So the same text always gives the same ids, decoding then encoding text returns it unchanged, and any list of
/// word ids survives a detokenize/tokenize round trip.
/// </summary>
public sealed class SyllableTokenizer
{
    private const string Consonants = "bcdfghjklmnprstvwz";
    private const string Vowels = "aeiou";
    private const int ByteTokens = 256;
    private static readonly int Syllables = Consonants.Length * Vowels.Length;

    public SyllableTokenizer(int vocabSize)
    {
        var words = Syllables + Syllables * Syllables + Syllables * Syllables * Syllables;
        VocabSize = Math.Clamp(vocabSize, ByteTokens + Syllables * Syllables, ByteTokens + words);
    }

    public int VocabSize { get; }

    /// <summary>First id of the two-syllable words, the range generated text draws from.</summary>
    public static int FirstCommonWord => ByteTokens + Syllables;

    public static int CommonWords => Syllables * Syllables;

    public List<int> Encode(string text)
    {
        var ids = new List<int>(text.Length / 4 + 1);
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf(' ', start + 1);
            if (end < 0)
            {
                end = text.Length;
            }

            var segment = text.AsSpan(start, end - start);
            if (TryWordId(segment, out var id))
            {
                ids.Add(id);
            }
            else
            {
                foreach (var b in Encoding.UTF8.GetBytes(segment.ToString()))
                {
                    ids.Add(b);
                }
            }

            start = end;
        }

        return ids;
    }

    public string Decode(IEnumerable<int> ids)
    {
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            AppendBytes(id, bytes);
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>The text of one token, for streaming: words are ASCII, a lone byte may be part of a character.</summary>
    public string Decode(int id) => id >= ByteTokens ? WordOf(id) : Encoding.UTF8.GetString([(byte)id]);

    public bool IsValid(int id) => id >= 0 && id < VocabSize;

    private void AppendBytes(int id, List<byte> bytes)
    {
        if (!IsValid(id))
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id out of range [0, {VocabSize}).");
        }

        if (id < ByteTokens)
        {
            bytes.Add((byte)id);
            return;
        }

        foreach (var c in WordOf(id))
        {
            bytes.Add((byte)c);
        }
    }

    private static string WordOf(int id)
    {
        var index = id - ByteTokens;
        var length = 1;
        var span = Syllables;
        while (index >= span)
        {
            index -= span;
            length++;
            span *= Syllables;
        }

        Span<char> word = stackalloc char[1 + 2 * length];
        word[0] = ' ';
        for (var i = length - 1; i >= 0; i--)
        {
            var syllable = index % Syllables;
            index /= Syllables;
            word[1 + 2 * i] = Consonants[syllable / Vowels.Length];
            word[2 + 2 * i] = Vowels[syllable % Vowels.Length];
        }

        return new string(word);
    }

    private bool TryWordId(ReadOnlySpan<char> segment, out int id)
    {
        id = 0;
        if (segment.Length < 3 || segment.Length > 7 || segment[0] != ' ' || segment.Length % 2 == 0)
        {
            return false;
        }

        var length = (segment.Length - 1) / 2;
        var index = 0;
        for (var i = 0; i < length; i++)
        {
            var consonant = Consonants.IndexOf(segment[1 + 2 * i], StringComparison.Ordinal);
            var vowel = Vowels.IndexOf(segment[2 + 2 * i], StringComparison.Ordinal);
            if (consonant < 0 || vowel < 0)
            {
                return false;
            }

            index = index * Syllables + consonant * Vowels.Length + vowel;
        }

        var offset = 0;
        var span = Syllables;
        for (var l = 1; l < length; l++)
        {
            offset += span;
            span *= Syllables;
        }

        id = ByteTokens + offset + index;
        return id < VocabSize;
    }
}
