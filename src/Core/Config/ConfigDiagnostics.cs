using YamlDotNet.Core;

namespace GpuBench.Core.Config;

/// <summary>Collects every problem of one config file, and where each key path was found in it.</summary>
internal sealed class ConfigDiagnostics(string file)
{
    private readonly List<ConfigDiagnostic> _items = [];
    private readonly Dictionary<string, Mark> _locations = new(StringComparer.Ordinal);

    public string File { get; } = file;

    public IReadOnlyList<ConfigDiagnostic> Items => _items;

    public bool HasErrors => _items.Any(d => d.IsError);

    /// <summary>True when <paramref name="path"/> or a key below it already has an error (to avoid consequential ones).</summary>
    public bool HasErrorAt(string path) =>
        _items.Any(d => d.IsError && (d.Path == path || d.Path.StartsWith(path + ".", StringComparison.Ordinal)));

    public void Remember(string path, Mark mark) => _locations.TryAdd(path, mark);

    /// <summary>Where <paramref name="path"/> was written, or its nearest written parent.</summary>
    public Mark Locate(string path)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
        {
            if (_locations.TryGetValue(p, out var mark))
            {
                return mark;
            }
        }

        return _locations.TryGetValue("", out var root) ? root : new Mark(0, 1, 1);
    }

    public void Error(string path, Mark at, string message) => Add(DiagnosticSeverity.Error, path, at, message);

    public void Warning(string path, Mark at, string message) => Add(DiagnosticSeverity.Warning, path, at, message);

    public void Error(string path, string message) => Error(path, Locate(path), message);

    public void Warning(string path, string message) => Warning(path, Locate(path), message);

    private void Add(DiagnosticSeverity severity, string path, Mark at, string message) =>
        _items.Add(new ConfigDiagnostic(severity, File, (int)at.Line, (int)at.Column, path, message));

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }
}
