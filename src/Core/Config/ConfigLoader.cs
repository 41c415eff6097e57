using System.Text.RegularExpressions;
using GpuBench.Core.Hardware;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace GpuBench.Core.Config;

/// <summary>What loading config.yml gave: the config when it is valid, and every error and warning either way.</summary>
public sealed record ConfigLoadResult(BenchConfig? Config, IReadOnlyList<ConfigDiagnostic> Diagnostics)
{
    public IEnumerable<ConfigDiagnostic> Errors => Diagnostics.Where(d => d.IsError);

    public IEnumerable<ConfigDiagnostic> Warnings => Diagnostics.Where(d => !d.IsError);

    public bool IsValid => Config is not null;
}

/// <summary>Reads and validates config.yml. Nothing runs until the whole file validates.</summary>
public static partial class ConfigLoader
{
    public const string DefaultFileName = "config.yml";

    /// <summary>Loads a config file; relative paths inside it (results_dir, ssh keys) resolve against its folder.</summary>
    public static ConfigLoadResult Load(string path, GpuCatalog? catalog = null)
    {
        if (!File.Exists(path))
        {
            return new ConfigLoadResult(null, [new ConfigDiagnostic(DiagnosticSeverity.Error, path, 1, 1, "", "file not found")]);
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? Directory.GetCurrentDirectory();
        return Parse(File.ReadAllText(path), path, directory, catalog);
    }

    /// <summary>Validates config text; <paramref name="sourceName"/> is the file name messages cite.</summary>
    public static ConfigLoadResult Parse(string yaml, string sourceName, string baseDirectory, GpuCatalog? catalog = null)
    {
        var diagnostics = new ConfigDiagnostics(sourceName);
        var root = ParseTree(yaml, diagnostics);
        if (root is null)
        {
            return new ConfigLoadResult(null, diagnostics.Items);
        }

        diagnostics.Remember("", root.Start);
        var config = new ConfigReader(diagnostics, baseDirectory).Read(root, sourceName);
        SecretScanner.Scan(root, config.Secrets.HfTokenEnv, diagnostics);
        ConfigValidator.Validate(config, catalog ?? GpuCatalog.Default, diagnostics);

        var sorted = diagnostics.Items.OrderBy(d => d.Line).ThenBy(d => d.Column).ToArray();
        return new ConfigLoadResult(diagnostics.HasErrors ? null : config, sorted);
    }

    private static YamlMappingNode? ParseTree(string yaml, ConfigDiagnostics diagnostics)
    {
        var stream = new YamlStream();
        var parser = new TrackingParser(new Parser(new StringReader(yaml)));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            diagnostics.Error("", e.Start, $"YAML syntax error: {WithoutPosition(e.InnerException?.Message ?? e.Message)}");
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up this way on some unterminated flow collections at the end of the input.
            diagnostics.Error("", parser.LastEnd, "YAML syntax error: the file ends inside an unclosed '{', '[' or quote");
            return null;
        }

        if (stream.Documents.Count == 0 || YamlMap.IsNull(stream.Documents[0].RootNode))
        {
            diagnostics.Error("", new Mark(0, 1, 1), "the file is empty; expected workloads, models and servers");
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            diagnostics.Error("", stream.Documents[1].RootNode.Start, "expected one YAML document, found more ('---' separates documents)");
        }

        return Values.Expect<YamlMappingNode>(stream.Documents[0].RootNode, "", "a mapping of keys (workloads, models, servers, …)", diagnostics);
    }

    /// <summary>Remembers how far parsing got, to locate errors the parser reports without a position.</summary>
    private sealed class TrackingParser(IParser inner) : IParser
    {
        public Mark LastEnd { get; private set; } = new(0, 1, 1);

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            var moved = inner.MoveNext();
            if (inner.Current is { } current)
            {
                LastEnd = current.End;
            }

            return moved;
        }
    }

    // YamlDotNet prefixes its messages with "(Line: 3, Col: 5, Idx: 20) - (Line: …): "; the diagnostic says where already.
    private static string WithoutPosition(string message) => PositionPrefix().Replace(message, "");

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex PositionPrefix();
}
