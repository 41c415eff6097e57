using System.Globalization;
using System.Text.RegularExpressions;

namespace GpuBench.Reporting.Import;

/// <summary>A box named after its GPUs, "&lt;gpu type&gt;_x_&lt;count&gt;" (e.g. "rtx4090_x_4"), as the article's tool and GpuBench's examples name them.</summary>
public sealed partial record ServerName(string Name, string GpuType, int GpuCount)
{
    public static bool TryParse(string name, out ServerName server) => TryParsePrefix(name, out server, out var rest) && rest.Length == 0;

    /// <summary>Splits "rtx4090_x_4_rest" into the server and "rest"; the rest keeps any underscores it has.</summary>
    public static bool TryParsePrefix(string text, out ServerName server, out string rest)
    {
        var match = Prefix().Match(text);
        server = match.Success
            ? new ServerName(
                match.Groups["server"].Value,
                match.Groups["type"].Value,
                int.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture))
            : null!;
        rest = match.Success ? match.Groups["rest"].Value : "";
        return match.Success;
    }

    [GeneratedRegex(@"^(?<server>(?<type>[A-Za-z0-9]+)_x_(?<count>[0-9]+))(?:_(?<rest>.+))?$")]
    private static partial Regex Prefix();
}
