using System.Text;
using System.Text.RegularExpressions;

namespace GpuBench.Provisioning.Files;

/// <summary>
/// Selects repository files with fnmatch patterns, as huggingface_hub's allow_patterns does: '*' also matches
/// '/', '?' one character, [...] a set, matching is case-sensitive, and a pattern ending in '/' means the folder.
/// </summary>
public sealed class FilePatterns
{
    /// <summary>
    /// What vLLM reads: safetensors weights and their index, configs, tokenizers (tokenizer.json, SentencePiece
    /// .model, tiktoken, merges/vocab .txt), chat templates, and the .py files of trust-remote-code models.
    /// </summary>
    public static IReadOnlyList<string> EngineDefaults { get; } =
        ["*.safetensors", "*.json", "*.py", "*.model", "*.tiktoken", "*.txt", "*.jinja", "tokenizer*"];

    private readonly Regex[] _regexes;

    public FilePatterns(IEnumerable<string> patterns)
    {
        Patterns = patterns.ToArray();
        if (Patterns.Count == 0 || Patterns.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("File patterns must be a non-empty list of non-empty patterns.", nameof(patterns));
        }

        _regexes = Patterns.Select(ToRegex).ToArray();
    }

    public IReadOnlyList<string> Patterns { get; }

    public bool Matches(string path) => _regexes.Any(r => r.IsMatch(path));

    public override string ToString() => string.Join(", ", Patterns);

    private static Regex ToRegex(string pattern)
    {
        if (pattern.EndsWith('/'))
        {
            pattern += "*";
        }

        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    regex.Append(".*");
                    break;
                case '?':
                    regex.Append('.');
                    break;
                case '[' when pattern.IndexOf(']', i + 2) is var end and > 0:
                    var set = pattern[(i + 1)..end];
                    regex.Append('[').Append(set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                    i = end;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }
}
