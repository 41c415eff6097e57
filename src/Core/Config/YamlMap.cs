using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GpuBench.Core.Config;

/// <summary>
/// Reads the keys of one YAML mapping with types, ranges and positions. Every problem goes to the diagnostics
/// and the getter returns null, so that one pass reports every error of the file.
/// </summary>
internal sealed class YamlMap
{
    private readonly YamlMappingNode _node;
    private readonly ConfigDiagnostics _diagnostics;
    private readonly Dictionary<string, YamlNode> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _suggested = new(StringComparer.Ordinal);

    public YamlMap(YamlMappingNode node, string path, ConfigDiagnostics diagnostics, IReadOnlyCollection<string> knownKeys)
    {
        _node = node;
        _diagnostics = diagnostics;
        Path = path;
        foreach (var (keyNode, value) in node.Children)
        {
            var key = KeyText(keyNode);
            if (!knownKeys.Contains(key))
            {
                var nearest = Suggestions.Nearest(key, knownKeys);
                diagnostics.Error(Child(key), keyNode.Start, $"unknown key '{key}'{(nearest is null ? "" : $"; did you mean '{nearest}'?")}");
                if (nearest is not null)
                {
                    _suggested.Add(nearest);
                }

                continue;
            }

            diagnostics.Remember(Child(key), value.Start);
            if (!IsNull(value))
            {
                _values[key] = value;
            }
        }
    }

    public string Path { get; }

    public Mark Start => _node.Start;

    public string Child(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public bool Has(string key) => _values.ContainsKey(key);

    public YamlNode? Node(string key, bool required = false)
    {
        if (_values.TryGetValue(key, out var node))
        {
            return node;
        }

        // A misspelt required key was reported already, with the spelling to use: once is enough.
        if (required && !_suggested.Contains(key))
        {
            _diagnostics.Error(Path, Start, $"missing required key '{key}'");
        }

        return null;
    }

    public string? String(string key, bool required = false) =>
        Node(key, required) is { } node ? Values.String(node, Child(key), _diagnostics) : null;

    public int? Int(string key, int min, bool required = false) =>
        Node(key, required) is { } node ? Values.Int(node, Child(key), min, _diagnostics) : null;

    public double? Number(string key, NumberRange range, bool required = false) =>
        Node(key, required) is { } node ? Values.Number(node, Child(key), range, _diagnostics) : null;

    public bool? Bool(string key) =>
        Node(key) is { } node ? Values.Bool(node, Child(key), _diagnostics) : null;

    public T? Choice<T>(string key, IReadOnlyDictionary<string, T> choices) where T : struct =>
        Node(key) is { } node ? Values.Choice(node, Child(key), choices, _diagnostics) : null;

    public YamlMap? Map(string key, IReadOnlyCollection<string> knownKeys, bool required = false) =>
        Node(key, required) is { } node && Values.Expect<YamlMappingNode>(node, Child(key), "a mapping", _diagnostics) is { } map
            ? new YamlMap(map, Child(key), _diagnostics, knownKeys)
            : null;

    /// <summary>The items of a list with their paths (<c>servers[2]</c>); null when absent or not a list.</summary>
    public IReadOnlyList<(YamlNode Node, string Path)>? List(string key, bool required = false)
    {
        if (Node(key, required) is not { } node
            || Values.Expect<YamlSequenceNode>(node, Child(key), "a list", _diagnostics) is not { } list)
        {
            return null;
        }

        var items = list.Children.Select((item, i) => (item, $"{Child(key)}[{i}]")).ToArray();
        foreach (var (item, path) in items)
        {
            _diagnostics.Remember(path, item.Start);
        }

        if (required && items.Length == 0)
        {
            _diagnostics.Error(Child(key), node.Start, "must list at least one entry");
        }

        return items;
    }

    public IReadOnlyList<string>? StringList(string key, bool required = false) =>
        List(key, required)?.Select(item => Values.String(item.Node, item.Path, _diagnostics)).OfType<string>().ToArray();

    /// <summary>The entries of a mapping whose keys are names chosen by the user (models, prices, env).</summary>
    public IReadOnlyList<(string Key, YamlNode Value, string Path, Mark KeyStart)>? Entries(string key, bool required = false)
    {
        if (Node(key, required) is not { } node
            || Values.Expect<YamlMappingNode>(node, Child(key), "a mapping", _diagnostics) is not { } map)
        {
            return null;
        }

        var entries = map.Children
            .Select(pair => (Key: KeyText(pair.Key), pair.Value, Path: $"{Child(key)}.{KeyText(pair.Key)}", pair.Key.Start))
            .ToArray();
        foreach (var entry in entries)
        {
            _diagnostics.Remember(entry.Path, entry.Value.Start);
        }

        if (required && entries.Length == 0)
        {
            _diagnostics.Error(Child(key), node.Start, "must have at least one entry");
        }

        return entries;
    }

    public IReadOnlyDictionary<string, string>? StringMap(string key)
    {
        if (Entries(key) is not { } entries)
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value, path, _) in entries)
        {
            if (Values.String(value, path, _diagnostics) is { } text)
            {
                map[name] = text;
            }
        }

        return map;
    }

    private static string KeyText(YamlNode key) => key is YamlScalarNode { Value: { } text } ? text : key.ToString();

    internal static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };
}

/// <summary>An allowed interval for a number, and how to say it in an error message.</summary>
internal sealed record NumberRange(double Min, bool MinInclusive, double Max, bool MaxInclusive, string Expected)
{
    public static NumberRange Positive { get; } = new(0, false, double.MaxValue, true, "a positive number");

    public static NumberRange NonNegative { get; } = new(0, true, double.MaxValue, true, "a number ≥ 0");

    public static NumberRange Fraction { get; } = new(0, false, 1, true, "a number in (0, 1]");

    public static NumberRange Ratio { get; } = new(0, true, 1, true, "a number from 0 to 1");

    public bool Contains(double value) =>
        (MinInclusive ? value >= Min : value > Min) && (MaxInclusive ? value <= Max : value < Max);
}

/// <summary>Conversions of single YAML nodes, each reporting a precise error on failure.</summary>
internal static class Values
{
    public static T? Expect<T>(YamlNode node, string path, string expected, ConfigDiagnostics diagnostics) where T : YamlNode
    {
        if (node is T typed)
        {
            return typed;
        }

        diagnostics.Error(path, node.Start, $"expected {expected}, got {Describe(node)}");
        return null;
    }

    public static string? String(YamlNode node, string path, ConfigDiagnostics diagnostics) =>
        Expect<YamlScalarNode>(node, path, "a string", diagnostics)?.Value;

    public static int? Int(YamlNode node, string path, int min, ConfigDiagnostics diagnostics)
    {
        var expected = min switch
        {
            1 => "a positive integer",
            0 => "an integer ≥ 0",
            _ => $"an integer ≥ {min}",
        };
        if (Plain(node) is { } text
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            && value >= min)
        {
            return value;
        }

        diagnostics.Error(path, node.Start, $"expected {expected}, got {Describe(node)}");
        return null;
    }

    public static double? Number(YamlNode node, string path, NumberRange range, ConfigDiagnostics diagnostics)
    {
        if (Plain(node) is { } text
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value)
            && range.Contains(value))
        {
            return value;
        }

        diagnostics.Error(path, node.Start, $"expected {range.Expected}, got {Describe(node)}");
        return null;
    }

    public static bool? Bool(YamlNode node, string path, ConfigDiagnostics diagnostics)
    {
        switch (Plain(node))
        {
            case "true" or "True" or "TRUE":
                return true;
            case "false" or "False" or "FALSE":
                return false;
            default:
                diagnostics.Error(path, node.Start, $"expected true or false, got {Describe(node)}");
                return null;
        }
    }

    public static T? Choice<T>(YamlNode node, string path, IReadOnlyDictionary<string, T> choices, ConfigDiagnostics diagnostics)
        where T : struct
    {
        if (Expect<YamlScalarNode>(node, path, $"one of {string.Join(", ", choices.Keys)}", diagnostics) is not { } scalar)
        {
            return null;
        }

        if (choices.TryGetValue(scalar.Value ?? "", out var value))
        {
            return value;
        }

        diagnostics.Error(path, node.Start,
            $"expected one of {string.Join(", ", choices.Keys)}, got {Describe(node)}{Suggestions.DidYouMean(scalar.Value ?? "", choices.Keys)}");
        return null;
    }

    /// <summary>How a value reads in an error message: <c>"four"</c>, <c>a list</c>, <c>a mapping</c>.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode { Value: var value } => $"\"{value}\"",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "an unsupported value",
    };

    /// <summary>
    /// Numbers and booleans must be plain scalars: <c>count: "4"</c> is a string in YAML, and accepting it would
    /// hide a quoting mistake that other tools reading the same file would not forgive.
    /// </summary>
    private static string? Plain(YamlNode node) => node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } v } ? v : null;
}
